import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';
import type { HttpAgent } from '../support/httpAgent.js';
import { jwtPayload } from '../support/jwt.js';
import { registerClient } from '../support/registerClient.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { signUpPerson } from '../support/passkeyFlows.js';
import { rpFor } from '../support/relyingParty.js';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.js';

// SPEC §15 against the built server in its own process (issue #13): inside jest's VM
// oidc-provider's address guard cannot install, so only a real process shows whether a logout
// token reaches an app on a loopback address.

const REDIRECT = 'http://127.0.0.1:9/callback';
const SIGNED_OUT = 'http://127.0.0.1:9/signed-out';

/** An app's back-channel logout endpoint on 127.0.0.1; answers 503 to the first `failFirst` posts. */
async function startReceiver(failFirst = 0) {
  const tokens: string[] = [];
  let posts = 0;
  let arrived: (token: string) => void = () => undefined;
  const first = new Promise<string>((resolve) => (arrived = resolve));
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      posts += 1;
      if (posts <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      const token = new URLSearchParams(body).get('logout_token') ?? '';
      tokens.push(token);
      arrived(token);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/backchannel-logout`,
    tokens,
    posts: () => posts,
    first,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Confirms RP-initiated logout for the session of `agent` (the id token names it). */
async function logOut(agent: HttpAgent, issuer: string, idToken: string): Promise<number> {
  const url = new URL('/session/end', issuer);
  url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('post_logout_redirect_uri', SIGNED_OUT);
  const html = await (await agent.request(url)).text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!xsrf || !action) throw new Error(`no logout confirmation form: ${html.slice(0, 300)}`);
  return (await agent.postForm(action, { xsrf, logout: 'yes' })).status;
}

let mail: MailCatcher;
const dirs: string[] = [];
const servers: ServerProcess[] = [];
beforeAll(async () => {
  mail = await startMailCatcher();
});
afterAll(async () => {
  for (const server of servers) server.kill();
  await mail?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A built server with one app whose back-channel logout URI is `uri`, and a person signed in to it. */
async function signedInAgainst(uri: string, env: Record<string, string>, email: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-backchannel-'));
  dirs.push(dataDir);
  const store = await openSqliteStore(dataDir);
  const client = await registerClient(store, {
    name: 'Self-hosted App',
    redirectUris: [REDIRECT],
    postLogoutRedirectUris: [SIGNED_OUT],
    backchannelLogoutUri: uri,
    firstParty: true,
  });
  await store.close();
  const server = await startServerProcess({ DATA_DIR: dataDir, SMTP_URL: mail.url, ...env });
  servers.push(server);
  const rp = await rpFor(server.url, client, REDIRECT);
  const person = await signUpPerson(
    { issuer: server.url, rp, redirectUri: REDIRECT, mail },
    { email },
  );
  return { server, person, sid: String(person.tokens.claims()!.sid) };
}

describe('back-channel logout from the built server (SPEC §15)', () => {
  test('reaches an app on 127.0.0.1 by default, and a failed delivery is retried', async () => {
    const receiver = await startReceiver(1);
    try {
      const { server, person, sid } = await signedInAgainst(
        receiver.uri,
        {},
        'bcl-allow@example.com',
      );
      expect(await logOut(person.agent, server.url, person.tokens.id_token!)).toBe(303);
      const failed = await server.waitForLine(
        (line) => line.msg === 'back-channel logout delivery failed',
      );
      expect(failed).toMatchObject({ attempt: 1, retryInMs: 5000 });
      expect(String(failed.err)).toMatch(/503/);
      const token = await receiver.first; // the retry, with a fresh token
      expect(jwtPayload(token)).toMatchObject({ sid, sub: person.sub });
      expect(receiver.posts()).toBe(2);
      await server.waitForLine((line) => line.msg === 'back-channel logout delivered');
    } finally {
      await receiver.close();
    }
  }, 30_000);

  test('a retry still waiting when the process is told to stop is made before it exits', async () => {
    const receiver = await startReceiver(1);
    try {
      const { server, person, sid } = await signedInAgainst(
        receiver.uri,
        {},
        'bcl-deploy@example.com',
      );
      expect(await logOut(person.agent, server.url, person.tokens.id_token!)).toBe(303);
      await server.waitForLine((line) => line.msg === 'back-channel logout delivery failed');
      // The deploy: the retry is still waiting for its timer (5 s), which does not keep the
      // process alive.
      server.child.kill('SIGTERM');
      const { code, signal } = await server.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(receiver.posts()).toBe(2);
      expect(jwtPayload(receiver.tokens[0]!)).toMatchObject({ sid, sub: person.sub });
      const delivered = server.lines.findIndex((l) => l.msg === 'back-channel logout delivered');
      const stopped = server.lines.findIndex((l) => l.msg === 'stopped');
      expect(delivered).toBeGreaterThan(-1);
      expect(delivered).toBeLessThan(stopped);
    } finally {
      await receiver.close();
    }
  }, 30_000);

  test('OUTBOUND_PRIVATE=deny refuses the loopback app and logs why', async () => {
    const receiver = await startReceiver();
    try {
      const { server, person } = await signedInAgainst(
        receiver.uri,
        { OUTBOUND_PRIVATE: 'deny' },
        'bcl-deny@example.com',
      );
      expect(await logOut(person.agent, server.url, person.tokens.id_token!)).toBe(303);
      // The logout waits for its delivery attempt, so the attempt is over once this is logged.
      const failed = await server.waitForLine(
        (line) => line.msg === 'back-channel logout delivery failed',
      );
      expect(String(failed.cause)).toMatch(
        /OUTBOUND_PRIVATE=deny: 127\.0\.0\.1:\d+ is a private address/,
      );
      expect(receiver.posts()).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
