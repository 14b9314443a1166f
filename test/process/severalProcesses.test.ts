import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { registerClient } from '../support/registerClient.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { mailCode, startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { continueToCallback, csrfOf, openInteraction } from '../support/passkeyFlows.js';
import { rpFor, type RelyingParty } from '../support/relyingParty.js';
import { freePort, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';

// Two real server processes (`node dist/src/main.js`) on one DATA_DIR and one ISSUER, on two
// ports: requests go to each port explicitly, as a load balancer would send them.

const REDIRECT = 'http://127.0.0.1:9/callback';

let dataDir: string;
let mail: MailCatcher;
let a: ServerProcess;
let b: ServerProcess;
let issuer: string;
let client: { client_id: string; client_secret?: string };
let rp: RelyingParty;

beforeAll(async () => {
  dataDir = await mkdtemp(join(os.tmpdir(), 'sesame-two-'));
  const store = await openSqliteStore(dataDir);
  client = await registerClient(store, {
    name: 'Balanced App',
    redirectUris: [REDIRECT],
    postLogoutRedirectUris: [],
    public: false,
    firstParty: true,
  });
  await store.close();
  mail = await startMailCatcher();
  const portA = await freePort();
  issuer = `http://localhost:${portA}`;
  const env = { DATA_DIR: dataDir, SMTP_URL: mail.url, ISSUER: issuer };
  [a, b] = await Promise.all([
    startServerProcess({ ...env, PORT: String(portA) }),
    startServerProcess(env),
  ]);
  rp = await rpFor(issuer, client, REDIRECT);
}, 30_000);

afterAll(async () => {
  for (const server of [a, b]) {
    if (!server) continue;
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await mail?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** POSTs JSON to `server` with the browser's cookies and the issuer's origin. */
async function postJsonTo(agent: HttpAgent, server: ServerProcess, path: string, body: unknown) {
  const res = await agent.postJson(`${server.url}${path}`, body);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The same URL on `server`'s port (redirects name the issuer's). */
const on = (server: ServerProcess, url: string) => url.replace(issuer, server.url);

/** Redeems an authorization code at `server`'s token endpoint, as the RP would. */
async function redeem(server: ServerProcess, callback: URL): Promise<Response> {
  const pending = rp.pending.get(callback.searchParams.get('state')!)!;
  const basic = Buffer.from(
    `${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret!)}`,
  ).toString('base64');
  return fetch(`${server.url}/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${basic}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      code_verifier: pending.codeVerifier,
    }),
  });
}

let people = 0;
/** Signs a new person up, alternating processes at every step; returns their authenticator. */
async function signUpAcross(): Promise<{ authenticator: SoftAuthenticator; sub: string }> {
  const email = `balanced${++people}@example.com`;
  const authenticator = new SoftAuthenticator({ origin: issuer });
  const agent = createHttpAgent(issuer);
  const { uid } = await openInteraction(agent, on(a, (await rp.authorizationUrl()).href));
  const page = await agent.request(`${b.url}/interaction/${uid}/signup`);
  const form = await agent.postForm(`${a.url}/interaction/${uid}/signup`, {
    email,
    name: 'Bal Anced',
    _csrf: csrfOf(await page.text()),
  });
  expect(form.status).toBe(303);
  const code = mailCode(await mail.waitFor(email));
  const options = await postJsonTo(agent, b, `/interaction/${uid}/signup/options`, { code });
  expect(options.status).toBe(200);
  const verified = await postJsonTo(agent, a, `/interaction/${uid}/signup/verify`, {
    response: authenticator.createCredential(options.body as never),
  });
  expect(verified.status).toBe(200);
  const { callback } = await continueToCallback(
    agent,
    on(b, String(verified.body.redirectTo)),
    REDIRECT,
  );
  const tokens = (await (await redeem(a, callback)).json()) as { id_token: string };
  return { authenticator, sub: String(decodeJwt(tokens.id_token).sub) };
}

/** Starts a sign-in on `start` and returns the browser, uid and a signed assertion. */
async function assertionFrom(start: ServerProcess, authenticator: SoftAuthenticator) {
  const agent = createHttpAgent(issuer);
  const { uid } = await openInteraction(agent, on(start, (await rp.authorizationUrl()).href));
  const options = await postJsonTo(agent, start, `/interaction/${uid}/passkey/options`, {});
  expect(options.status).toBe(200);
  return { agent, uid, response: authenticator.getAssertion(options.body as never) };
}

describe('two processes, one store', () => {
  test('a sign-up and a sign-in started on one process finish on the other', async () => {
    const person = await signUpAcross();
    const { agent, uid, response } = await assertionFrom(b, person.authenticator);
    const verified = await postJsonTo(agent, a, `/interaction/${uid}/passkey/verify`, {
      response,
    });
    expect(verified.status).toBe(200);
    const { callback } = await continueToCallback(
      agent,
      on(b, String(verified.body.redirectTo)),
      REDIRECT,
    );
    const tokens = await rp.exchange(callback); // the token endpoint the issuer names: A's
    expect(tokens.claims()?.sub).toBe(person.sub);
  });

  test('a passkey challenge is consumed exactly once across the processes', async () => {
    const { authenticator } = await signUpAcross();
    for (let round = 0; round < 3; round++) {
      const { agent, uid, response } = await assertionFrom(round % 2 ? a : b, authenticator);
      const path = `/interaction/${uid}/passkey/verify`;
      const results = await Promise.all([
        postJsonTo(agent, a, path, { response }),
        postJsonTo(agent, b, path, { response }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 400]);
      expect(results.find((r) => r.status === 400)?.body.error).toBe('challenge_expired');
    }
  });

  test('an authorization code is redeemed exactly once across the processes', async () => {
    const { authenticator } = await signUpAcross();
    for (let round = 0; round < 3; round++) {
      const { agent, uid, response } = await assertionFrom(a, authenticator);
      const verified = await postJsonTo(agent, b, `/interaction/${uid}/passkey/verify`, {
        response,
      });
      const { callback } = await continueToCallback(
        agent,
        on(a, String(verified.body.redirectTo)),
        REDIRECT,
      );
      const answers = await Promise.all([redeem(a, callback), redeem(b, callback)]);
      const bodies = (await Promise.all(answers.map((r) => r.json()))) as Record<string, unknown>[];
      expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
      expect(bodies.map((body) => body.error ?? 'tokens').sort()).toEqual([
        'invalid_grant',
        'tokens',
      ]);
    }
  });
});

/** GET over a new connection each time, so the cluster spreads them over its workers. */
function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('WORKERS=auto', () => {
  test('forks one worker per core on one port, aggregates their metrics and stops on SIGTERM', async () => {
    const cores = Math.max(1, os.availableParallelism());
    const dir = await mkdtemp(join(os.tmpdir(), 'sesame-cluster-'));
    const cluster = await startServerProcess(
      { DATA_DIR: dir, WORKERS: 'auto' },
      { listening: cores, timeoutMs: 30_000 },
    );
    try {
      if (cores > 1) {
        const started = await cluster.waitForLine((l) => l.msg === 'starting workers');
        expect(started.workers).toBe(cores);
      }
      const listening = cluster.lines.filter((l) => l.msg === 'Sesame is listening');
      expect(listening).toHaveLength(cores);
      const hits = 10 * cores;
      for (let i = 0; i < hits; i++)
        expect((await getFresh(`${cluster.url}/healthz`)).status).toBe(200);
      const metrics = await getFresh(`${cluster.url}/metrics`);
      expect(metrics.status).toBe(200);
      // Counted by different workers; the answer sums them all.
      expect(metrics.body).toContain(
        `sesame_http_requests_total{route="/healthz",method="GET",status="200"} ${hits}`,
      );
      cluster.child.kill('SIGTERM');
      expect(await cluster.exited).toEqual({ code: 0, signal: null });
      expect(cluster.lines.filter((l) => l.msg === 'stopped')).toHaveLength(cores);
      expect(cluster.lines.some((l) => l.msg === 'worker died; starting another')).toBe(false);
    } finally {
      cluster.kill();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
