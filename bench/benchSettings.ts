import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs as dist/bench/bench/benchSettings.js. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function envList<T extends string>(name: string, allowed: readonly T[]): T[] {
  const raw = process.env[name];
  if (!raw) return [...allowed];
  const values = raw.split(',').map((v) => v.trim()) as T[];
  for (const v of values) {
    if (!allowed.includes(v))
      throw new Error(`${name}: unknown ${v} (one of ${allowed.join(', ')})`);
  }
  return values;
}

export const SCENARIOS = ['signin', 'discovery', 'refresh', 'introspection'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/**
 * `sesame` runs with WORKERS=1 (one process), `sesame-auto` with WORKERS=auto (node:cluster, one
 * worker per core sharing the port and the store), `baseline` is bare oidc-provider on the
 * store, `baseline-memory` the same with oidc-provider's models in a Map (memoryAdapter.ts).
 */
export const TARGETS = ['sesame', 'sesame-auto', 'baseline', 'baseline-memory'] as const;
export type TargetName = (typeof TARGETS)[number];

/** Whether the target runs as a node:cluster primary with workers (per-process probes do not apply). */
export const isCluster = (name: TargetName): boolean => name === 'sesame-auto';

/** Whether the target runs baselineServer.js rather than Sesame. */
export const isBaseline = (name: TargetName): boolean => name.startsWith('baseline');

/** Whether oidc-provider's sessions live in process memory, not in the store (none to count there). */
export const isInMemory = (name: TargetName): boolean => name === 'baseline-memory';

/**
 * The node flags `npm start` gives the server (`"start": "node [flags] dist/src/main.js"`), so
 * the bench runs the server exactly as production does.
 */
function startScriptFlags(): string[] {
  try {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    const match = /(?:^|&&\s*)node\s+((?:--?\S+\s+)*)dist\/src\/main\.js/.exec(
      pkg.scripts?.start ?? '',
    );
    return (match?.[1] ?? '').split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** What `npm run bench` does, from BENCH_* variables (see docs/BENCHMARKS.md). */
export const settings = {
  /** Measured seconds of each closed-loop round (and of each half-peak run). */
  seconds: envNumber('BENCH_SECONDS', 5, 1, 120),
  /** Closed-loop rounds per scenario and server, taken in turns; the median is reported. */
  rounds: envNumber('BENCH_ROUNDS', 3, 1, 10),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 2, 0, 60),
  signInUsers: envNumber('BENCH_SIGNIN_USERS', 16, 1, 512),
  requestUsers: envNumber('BENCH_REQUEST_USERS', 32, 1, 512),
  accounts: envNumber('BENCH_ACCOUNTS', 2000, 1, 100_000),
  sessions: envNumber('BENCH_SESSIONS', 10_000, 0, 100_000),
  maxOps: 500_000,
  scenarios: envList('BENCH_SCENARIOS', SCENARIOS),
  targets: envList('BENCH_TARGETS', TARGETS),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined,
  mongodbUri: process.env.MONGODB_URI || undefined,
  /** The Sesame build to run (another build's main.js for A/B comparisons). */
  sesameScript: path.resolve(
    process.env.BENCH_SESAME_SCRIPT || path.join(ROOT, 'dist/src/main.js'),
  ),
  /** Extra environment for the servers under test, as JSON, e.g. `{"MALLOC_ARENA_MAX":"2"}`. */
  serverEnv: JSON.parse(process.env.BENCH_SERVER_ENV || '{}') as Record<string, string>,
  /** Node flags of `npm start`, given to the Sesame server. */
  startFlags: startScriptFlags(),
  /** Extra node flags for the servers under test, e.g. `--max-semi-space-size=16`. */
  serverNodeFlags: (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean),
};
