/**
 * A server killed with SIGKILL in the middle of sign-ups loses nothing that was confirmed and
 * leaves nothing half-made: no account without a passkey, no passkey without an account once
 * the start-up sweep has run, and an intact database file.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createAccountRepository } from '../../src/accounts/accountRepository.js';
import { registerClient } from '../support/registerClient.js';
import { createCredentialRepository } from '../../src/passkeys/credentialRepository.js';
import { sweepOrphanCredentials } from '../../src/passkeys/sweepOrphanCredentials.js';
import { openStore } from '../../src/store/openStore.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { continueToCallback, openInteraction, signUp } from '../support/passkeyFlows.js';
import { rpFor } from '../support/relyingParty.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
let dataDir: string;
let mail: MailCatcher;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sesame-crash-'));
  mail = await startMailCatcher();
});
afterAll(async () => {
  await mail?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function startChild(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(port),
      ISSUER: `http://localhost:${port}`,
      DATA_DIR: dataDir,
      SMTP_URL: mail.url,
      LOG_LEVEL: 'warn',
      BENCH_RATE_LIMIT_MULTIPLIER: '1000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://localhost:${port}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

test('SIGKILL during concurrent sign-ups leaves a consistent store', async () => {
  const setup = await openStore({ dataDir });
  const client = await registerClient(setup, {
    name: 'Crash',
    redirectUris: [REDIRECT],
    firstParty: true,
  });
  await setup.close();

  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  let child = await startChild(port);
  const rp = await rpFor(issuer, client, REDIRECT);

  const completed: string[] = [];
  const flows = Array.from({ length: 20 }, async (_, i) => {
    const email = `crash${i}@example.com`;
    const agent = createHttpAgent(issuer);
    const authenticator = new SoftAuthenticator({ origin: issuer });
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    const redirectTo = await signUp({ agent, uid, mail, authenticator, email });
    await continueToCallback(agent, redirectTo, REDIRECT);
    completed.push(email);
  });
  // Kill once some sign-ups are confirmed and the others are somewhere in the middle.
  for (let i = 0; i < 300 && completed.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const outcomes = await Promise.allSettled(flows);
  expect(completed.length).toBeGreaterThanOrEqual(2);
  expect(outcomes.some((o) => o.status === 'rejected')).toBe(true);

  // The file is intact.
  const db = new Database(path.join(dataDir, 'sesame.db'), { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();

  // Restart: confirmed sign-ups are all there, each with its passkey.
  child = await startChild(port);
  try {
    const store = await openStore({ dataDir });
    const accounts = await createAccountRepository(store);
    const credentials = await createCredentialRepository(store);
    for (const email of completed) expect(await accounts.findByEmail(email)).toBeDefined();
    for await (const account of accounts.all()) {
      expect((await credentials.forAccount(account.id)).length).toBeGreaterThan(0);
    }
    // Anything half-made is only a young credential, which the sweep removes once it is old.
    await sweepOrphanCredentials(credentials, accounts, Date.now() + 10 * 60_000);
    for await (const credential of credentials.all())
      expect(await accounts.get(credential.accountId)).toBeDefined();
    await store.close();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}, 60_000);

test('the start-up sweep removes old orphan passkeys and keeps young ones and real ones', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sesame-orphans-'));
  const store = await openStore({ dataDir: dir });
  try {
    const accounts = await createAccountRepository(store);
    const credentials = await createCredentialRepository(store);
    const base = {
      publicKey: 'AA',
      counter: 0,
      transports: [],
      aaguid: '00000000-0000-0000-0000-000000000000',
      backupEligible: false,
      backupState: false,
      name: 'Passkey',
    };
    await accounts.insert({
      id: 'acc',
      email: 'real@example.com',
      name: 'Real',
      emailVerified: true,
      createdAt: 0,
    });
    await credentials.insert({ ...base, id: 'real', accountId: 'acc', createdAt: 0 });
    await credentials.insert({
      ...base,
      id: 'old-orphan',
      accountId: 'gone',
      createdAt: Date.now() - 3600_000,
    });
    await credentials.insert({
      ...base,
      id: 'young-orphan',
      accountId: 'pending',
      createdAt: Date.now(),
    });
    expect(await sweepOrphanCredentials(credentials, accounts)).toBe(1);
    expect(await credentials.get('old-orphan')).toBeUndefined();
    expect(await credentials.get('young-orphan')).toBeDefined();
    expect(await credentials.get('real')).toBeDefined();
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
