import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createAccountRepository } from '../../src/accounts/accountRepository.js';
import { createClientRegistry } from '../../src/oidc/clientRegistry.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { openInteraction } from '../support/passkeyFlows.js';
import { recoveryLinkFor, requestRecovery } from '../support/recoveryFlows.js';
import { rpFor } from '../support/relyingParty.js';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.js';

// Issue #13: a recovery request answered "check your email" and SIGTERM right after it lost
// the mail (the store closed and the process exited under the background work). The built
// server must drain its background tasks before it closes the store.

const REDIRECT = 'http://127.0.0.1:9/callback';
const EMAIL = 'deploy-day@example.com';

let dataDir: string;
let mail: MailCatcher;
let server: ServerProcess | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sesame-drain-'));
  mail = await startMailCatcher();
});
afterAll(async () => {
  server?.kill();
  await mail?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('a recovery mail requested just before SIGTERM is delivered before the process exits', async () => {
  const store = await openSqliteStore(dataDir);
  const client = await (
    await createClientRegistry(store)
  ).add({
    name: 'Deploy Day',
    redirectUris: [REDIRECT],
    postLogoutRedirectUris: [],
    public: false,
    firstParty: true,
  });
  await (
    await createAccountRepository(store)
  ).insert({
    id: 'deploy-day-account',
    email: EMAIL,
    name: 'Deploy Day',
    emailVerified: true,
    createdAt: Date.now(),
  });
  await store.close();

  server = await startServerProcess({ DATA_DIR: dataDir, SMTP_URL: mail.url });
  const issuer = server.url;
  const rp = await rpFor(issuer, client, REDIRECT);
  const agent = createHttpAgent(issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());

  const answered = await requestRecovery(agent, issuer, uid, EMAIL);
  expect(answered.status).toBe(303);
  expect(answered.headers.get('location')).toBe(`/interaction/${uid}/recovery/sent`);
  server.child.kill('SIGTERM'); // the deploy: right after "check your email"

  const { code, signal } = await server.exited;
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  // Delivered while the process was still alive: it is in the catcher by the time it exited.
  expect(mail.messages.map((m) => m.to)).toContain(EMAIL);
  expect(await recoveryLinkFor(mail, EMAIL, issuer)).toMatch(/\/recovery\?token=/);
  const failures = server.lines.filter((line) => /failed/.test(String(line.msg)));
  expect(failures).toEqual([]);
  expect(server.lines.at(-1)?.msg).toBe('stopped');
});
