import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { registerClient } from '../support/registerClient.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';
import { createHttpAgent } from '../support/httpAgent.js';
import {
  continueToCallback,
  openInteraction,
  postJson,
  startSignUp,
} from '../support/passkeyFlows.js';
import { rpFor } from '../support/relyingParty.js';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';

// SIGTERM against the real entry point (`node dist/src/main.js`): the request in flight
// finishes, new connections are refused, the store is closed, the exit code is 0, and the
// sign-in goes on in the next process.

const REDIRECT = 'http://127.0.0.1:9/callback';
const EMAIL = 'draining@example.com';

/** An SMTP server that holds every message until `release()`, so a sign-up stays in flight. */
async function startHeldSmtp() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: (text: string) => void;
  const mail = new Promise<string>((resolve) => (arrived = resolve));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(async (parsed) => {
        arrived(parsed.text ?? '');
        await released;
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mail,
    release,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Resolves with the error code of a fresh TCP connection to `port`, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

let dataDir: string;
let server: ServerProcess | undefined;
let next: ServerProcess | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sesame-shutdown-'));
});
afterAll(async () => {
  server?.kill();
  next?.kill();
  await rm(dataDir, { recursive: true, force: true });
});

test('SIGTERM finishes the sign-up request in flight, refuses new connections, closes the store and exits 0', async () => {
  const store = await openSqliteStore(dataDir);
  const client = await registerClient(store, {
    name: 'Draining App',
    redirectUris: [REDIRECT],
    postLogoutRedirectUris: [],
    public: false,
    firstParty: true,
  });
  await store.close();
  const smtp = await startHeldSmtp();
  try {
    server = await startServerProcess({ DATA_DIR: dataDir, SMTP_URL: smtp.url });
    const issuer = server.url;
    const rp = await rpFor(issuer, client, REDIRECT);
    const agent = createHttpAgent(issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());

    // The sign-up form is posted; the server is now waiting on the mail server.
    const inFlight = startSignUp(agent, uid, EMAIL, 'Drain Tester');
    const text = await smtp.mail;

    server.child.kill('SIGTERM');
    await server.waitForLine((line) => line.msg === 'shutting down: finishing in-flight requests');
    expect(await tryConnect(server.port)).toBe('ECONNREFUSED');
    expect(server.child.exitCode).toBeNull(); // still draining

    smtp.release();
    expect((await inFlight).status).toBe(303);
    const { code, signal } = await server.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(server.lines.at(-1)?.msg).toBe('stopped');
    // SQLite removes the WAL file when the last connection closes cleanly.
    expect(existsSync(join(dataDir, 'sesame.db-wal'))).toBe(false);

    // The next process on the same data finishes the sign-up that was in flight.
    next = await startServerProcess({ DATA_DIR: dataDir, PORT: String(server.port) });
    const signupCode = /(?<!\d)\d{6}(?!\d)/.exec(text)![0];
    const options = await postJson(agent, `/interaction/${uid}/signup/options`, {
      code: signupCode,
    });
    expect(options.status).toBe(200);
    const authenticator = new SoftAuthenticator({ origin: issuer });
    const verified = await postJson<{ redirectTo: string }>(
      agent,
      `/interaction/${uid}/signup/verify`,
      { response: authenticator.createCredential(options.body as never) },
    );
    expect(verified.status).toBe(200);
    const { callback } = await continueToCallback(agent, verified.body.redirectTo, REDIRECT);
    expect((await rp.exchange(callback)).claims()?.email).toBe(EMAIL);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  } finally {
    smtp.release();
    await smtp.close();
  }
});
