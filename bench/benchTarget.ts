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
  type Scenario,
  type TargetName,
} from './benchSettings.js';
import {
  discover,
  discoveryOrJwks,
  introspect,
  refresh,
  signIn,
  type Endpoints,
  type Target,
} from './flows.js';
import { HttpClient } from './httpClient.js';
import { runClosed, runOpen, type Operation } from './loadRunner.js';
import {
  mb,
  round,
  summarize,
  withServerCpu,
  type ScenarioResult,
  type TargetResult,
} from './scenarioResult.js';
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

/** How a scenario is driven: its label, its unit, its users and one operation. */
interface ScenarioPlan {
  label: string;
  unit: string;
  users: number;
  op: Operation;
  /** Whether it is also run in an open loop at half of its peak. */
  halfPeak: boolean;
}

/** The plan of `scenario` against one server (refresh/introspection set up tokens first). */
async function planScenario(r: Running, scenario: Scenario): Promise<ScenarioPlan> {
  const { target, users } = r;
  const user = (vu: number) => users[vu] as VirtualUser;
  switch (scenario) {
    case 'signin':
      return {
        label: 'complete sign-in',
        unit: 'sign-ins',
        users: settings.signInUsers,
        op: async (vu, step) => {
          await signIn(target, user(vu), step);
        },
        halfPeak: true,
      };
    case 'discovery': {
      let n = 0;
      return {
        label: 'discovery + JWKS',
        unit: 'requests',
        users: settings.requestUsers,
        op: () => discoveryOrJwks(target, n++),
        halfPeak: true,
      };
    }
    case 'refresh':
    case 'introspection':
      await prepareTokens(target, users.slice(0, settings.requestUsers));
      return scenario === 'refresh'
        ? {
            label: 'refresh-token rotation',
            unit: 'refreshes',
            users: settings.requestUsers,
            op: (vu) => refresh(target, user(vu)),
            halfPeak: false,
          }
        : {
            label: 'introspection',
            unit: 'requests',
            users: settings.requestUsers,
            op: (vu) => introspect(target, user(vu)),
            halfPeak: false,
          };
  }
}

/**
 * Runs `scenario` on every server: `settings.rounds` closed-loop rounds taken in turns (so a
 * busy moment on a shared machine lands on both), keeping each server's median round, then
 * the open loop at half of that median peak where the scenario has one.
 */
export async function runScenario(running: Running[], scenario: Scenario): Promise<void> {
  const plans = new Map<Running, ScenarioPlan>();
  const rounds = new Map<Running, ScenarioResult[]>();
  for (const r of running) {
    plans.set(r, await planScenario(r, scenario));
    rounds.set(r, []);
  }
  const durationMs = settings.seconds * 1000;
  for (let i = 0; i < settings.rounds; i++) {
    for (const r of running) {
      const plan = plans.get(r) as ScenarioPlan;
      console.log(`[${r.name}] ${scenario}, round ${i + 1} of ${settings.rounds}…`);
      const warmupMs = i === 0 ? settings.warmupSeconds * 1000 : 500;
      const measured = await withServerCpu(r.server, (onMeasureStart) =>
        runClosed({
          vus: plan.users,
          warmupMs,
          durationMs,
          maxOps: settings.maxOps,
          op: plan.op,
          onMeasureStart,
        }),
      );
      rounds.get(r)?.push(summarize(plan.label, plan.unit, plan.users, measured));
    }
  }
  for (const r of running) {
    const plan = plans.get(r) as ScenarioPlan;
    const all = rounds.get(r) ?? [];
    const sorted = [...all].sort((a, b) => a.throughput - b.throughput);
    const median = sorted[Math.floor((sorted.length - 1) / 2)] as ScenarioResult;
    r.result.scenarios.push({ ...median, rounds: all.map((x) => x.throughput) });
    // The cluster target is compared at peak only (keeps the run bounded).
    if (!plan.halfPeak || r.server.cluster) continue;
    // Open loop at half of the peak, latency counted from each scheduled start.
    const rate = Math.max(1, median.throughput / 2);
    console.log(`[${r.name}] ${scenario} at ${round(rate, 0)}/s…`);
    const half = await withServerCpu(r.server, (onMeasureStart) =>
      runOpen({
        rate,
        vus: plan.users,
        warmupMs: 1000,
        durationMs,
        op: plan.op,
        onMeasureStart,
      }),
    );
    r.result.halfPeak.push(
      summarize(`${plan.label} at ${round(rate, 0)}/s`, plan.unit, plan.users, half),
    );
  }
}

/** Signs each user in once with offline_access (through consent) for refresh and introspection. */
async function prepareTokens(target: Target, users: VirtualUser[]): Promise<void> {
  const pending = users.filter((u) => !u.refreshToken);
  const noop = <T>(_name: string, work: () => Promise<T>) => work();
  await Promise.all(
    pending.map(async (user) => {
      const tokens = await signIn(target, user, noop, {
        scope: 'openid email offline_access',
        prompt: 'consent',
      });
      if (!tokens?.refresh_token) throw new Error('set-up: no refresh token issued');
      user.refreshToken = tokens.refresh_token;
      user.accessToken = tokens.access_token;
    }),
  );
}

/**
 * Signs in until the store holds `settings.sessions` live sessions, then asks for memory. The
 * top-up sign-ins stop at the callback (the session exists by then), which makes them quicker.
 */
export async function measureMemory(r: Running): Promise<NonNullable<TargetResult['memory']>> {
  const deadline = Date.now() + 180_000;
  const topUp: Operation = async (vu, step) => {
    await signIn(r.target, r.users[vu] as VirtualUser, step, {
      scope: 'openid email profile',
      stopAtCallback: true,
    });
  };
  let live = await r.sessions.count();
  while (live < settings.sessions && Date.now() < deadline) {
    console.log(`[${r.name}] ${live} live sessions; signing in more…`);
    await runClosed({
      vus: Math.max(settings.signInUsers, 16),
      warmupMs: 0,
      durationMs: 10_000,
      maxOps: settings.sessions - live,
      op: topUp,
    });
    live = await r.sessions.count();
  }
  const asIs = await r.server.probe(false);
  const afterGc = await r.server.probe(true);
  return {
    sessions: live,
    idleRssMb: mb(r.idle.memory.rss),
    rssMb: mb(asIs.memory.rss),
    heapUsedMb: mb(asIs.memory.heapUsed),
    heapTotalMb: mb(asIs.memory.heapTotal),
    rssAfterGcMb: mb(afterGc.memory.rss),
    heapUsedAfterGcMb: mb(afterGc.memory.heapUsed),
  };
}
