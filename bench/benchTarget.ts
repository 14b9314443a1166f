import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { oidcCollectionSpec } from '../src/oidc/oidcCollectionSpec.js';
import type { Collection, Store } from '../src/store/collection.js';
import { openStore } from '../src/store/openStore.js';
import {
  isBaseline,
  isCluster,
  isInMemory,
  ROOT,
  settings,
  type TargetName,
} from './benchSettings.js';
import { discover, type Endpoints, type Target } from './flows.js';
import { HttpClient } from './httpClient.js';
import type { TargetResult } from './scenarioResult.js';
import { seedStore, type VirtualUser } from './seedStore.js';
import { freePort, ServerProcess, type ProbeReport } from './serverProcess.js';

/** Points a MongoDB URI at another database (keeps hosts and options). */
function mongoDatabase(uri: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI is not a mongodb:// URI');
  return `${match[1]}/${name}${match[3] ?? ''}`;
}

async function dropMongoDatabase(uri: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** A server under test, seeded and running, with what the generator needs to drive it. */
export interface Running {
  name: TargetName;
  server: ServerProcess;
  http: HttpClient;
  target: Target;
  users: VirtualUser[];
  store: Store;
  sessions: Collection;
  mongodbUri: string | undefined;
  /** Memory and CPU right after start. */
  idle: ProbeReport;
  result: TargetResult;
}

/** Seeds a fresh store for `name` and starts its server (not yet measured). */
export async function startTarget(name: TargetName, workDir: string): Promise<Running> {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const dataDir = path.join(workDir, name);
  const mongodbUri = settings.mongodbUri
    ? mongoDatabase(settings.mongodbUri, `sesame_bench_${process.pid}_${name}`)
    : undefined;
  const store = await openStore({ dataDir, ...(mongodbUri ? { mongodbUri } : {}) });
  const userCount = Math.max(settings.signInUsers, settings.requestUsers);
  const seedStarted = performance.now();
  const { client, users } = await seedStore(store, {
    issuer,
    accounts: settings.accounts,
    users: userCount,
  });
  console.log(
    `[${name}] seeded ${Math.max(settings.accounts, userCount)} accounts with passkeys in ${Math.round(performance.now() - seedStarted)} ms`,
  );
  const sessions: Collection = await store.collection(oidcCollectionSpec('Session'));
  const sesame = !isBaseline(name);
  const cluster = isCluster(name);
  const script = sesame
    ? settings.sesameScript
    : path.join(ROOT, 'dist/bench/bench/baselineServer.js');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    ISSUER: issuer,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    WORKERS: cluster ? 'auto' : '1',
    BENCH_RATE_LIMIT_MULTIPLIER: '100000',
    ...(isInMemory(name) ? { BASELINE_ADAPTER: 'memory' } : {}),
    ...(mongodbUri ? { MONGODB_URI: mongodbUri } : {}),
    ...settings.serverEnv,
  };
  const nodeFlags = [
    '--expose-gc',
    ...(sesame ? settings.startFlags : []),
    ...settings.serverNodeFlags,
  ];
  // Cluster workers inherit the primary's flags and would all write the same profile name: the
  // cluster target is not profiled.
  if (settings.cpuProfileDir && !cluster) {
    await mkdir(settings.cpuProfileDir, { recursive: true });
    nodeFlags.push(
      '--cpu-prof',
      `--cpu-prof-dir=${settings.cpuProfileDir}`,
      `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
    );
  }
  const server = new ServerProcess({
    script,
    probe: path.join(ROOT, 'dist/bench/bench/serverProbe.js'),
    env,
    nodeFlags,
    cluster,
  });
  const http = new HttpClient(
    new URL(`http://127.0.0.1:${port}`),
    `localhost:${port}`,
    userCount * 2 + 8,
  );
  let endpoints: Endpoints;
  let idle: ProbeReport;
  try {
    await server.waitReady(http, '/.well-known/openid-configuration');
    endpoints = await discover(http);
    idle = await server.probe(true);
  } catch (err) {
    http.close();
    await server.stop();
    await store.close();
    if (mongodbUri) await dropMongoDatabase(mongodbUri).catch(() => undefined);
    throw err;
  }
  return {
    name,
    server,
    http,
    target: { http, issuer, client, endpoints },
    users,
    store,
    sessions,
    mongodbUri,
    idle,
    result: {
      target: name,
      scenarios: [],
      halfPeak: [],
      log: server.log,
      ...(cluster ? { processes: server.processTree().length } : {}),
    },
  };
}

export async function stopTarget(r: Running): Promise<void> {
  r.http.close();
  await r.server.stop();
  await r.store.close();
  if (r.mongodbUri) await dropMongoDatabase(r.mongodbUri).catch(() => undefined);
}
