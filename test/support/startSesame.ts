import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type Sesame } from '../../src/app.js';
import { createHttpServer } from '../../src/http/httpServer.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { Limit, Limits } from '../../src/http/rateLimiter.js';
import { createLogger } from '../../src/log/createLogger.js';
import type { ClientInput } from '../../src/admin/clientMetadata.js';
import type { Store } from '../../src/store/collection.js';
import { openStore } from '../../src/store/openStore.js';
import { registerClient } from './registerClient.js';

const LOOSE: Limit = { max: 10_000, windowMs: 60_000 };
/** Limits loose enough that tests of other features never meet them; rate-limit tests pass their own. */
export const LOOSE_LIMITS: Limits = {
  ceremonyPerIp: LOOSE,
  signInPerEmail: LOOSE,
  mailPerEmail: LOOSE,
  mailPerIp: LOOSE,
  codePerIp: LOOSE,
  interactionsPerIp: LOOSE,
  deviceCodePerIp: LOOSE,
  clientAuthPerIp: LOOSE,
  clientAuthPerClient: LOOSE,
};

/** A real Sesame server on a free loopback port with a fresh embedded store. */
export interface RunningSesame {
  issuer: string;
  /** Where the server really listens (`http://127.0.0.1:<port>`), whatever ISSUER says. */
  localUrl: string;
  config: Config;
  store: Store;
  sesame: Sesame;
  dataDir: string;
  /** The HTTP server, made as `main.ts` makes it. */
  server: Server;
  /** Every log line the server wrote (JSON strings), for secret-leak checks. */
  logLines: string[];
  registerClient(
    input: Partial<ClientInput> & ({ redirectUris: string[] } | { device: true }),
  ): Promise<{ client_id: string; client_secret?: string }>;
  close(): Promise<void>;
}

/**
 * Starts Sesame exactly as `main.ts` does (same `createApp`), on `http://localhost:<port>`,
 * with `env` overriding the defaults (e.g. `SMTP_URL` of a mail catcher).
 */
export async function startSesame(
  env: Record<string, string> = {},
  options: { limits?: Partial<Limits>; keyPollMs?: number } = {},
): Promise<RunningSesame> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sesame-test-'));
  const server: Server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const config = loadConfig({
    ISSUER: `http://localhost:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...env,
  });
  const store = await openStore({ dataDir: config.dataDir, mongodbUri: config.mongodbUri });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const sesame = await createApp(config, {
    store,
    logger,
    limits: options.limits ?? LOOSE_LIMITS,
    ...(options.keyPollMs ? { keyPollMs: options.keyPollMs } : {}),
  });
  server.on('request', sesame.app.callback());
  return {
    issuer: config.issuer,
    localUrl: `http://127.0.0.1:${port}`,
    config,
    store,
    sesame,
    dataDir,
    server,
    logLines,
    registerClient: (input) => registerClient(store, { name: 'Test App', ...input }),
    async close() {
      sesame.keyWatcher.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
