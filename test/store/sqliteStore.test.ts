import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { StoreUnavailableError, type Doc, type Store } from '../../src/store/collection.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';
import { lookupCondition } from '../../src/store/sqlite/sqliteNames.js';
import type { ValueKind } from '../../src/store/validateCollectionSpec.js';

// What only the embedded engine promises: its file layout, index use, several processes on one
// file, the periodic sweep and error mapping. The shared behaviour lives in contract.test.ts.

const WORKER = fileURLToPath(new URL('./storeWorker.mjs', import.meta.url));
const COMPILED = fileURLToPath(
  new URL('../../dist/src/store/sqlite/openSqliteStore.js', import.meta.url),
);

let dir: string;
let store: Store;
/** A second, raw connection to the same file, to look at what the engine wrote. */
let raw: Database.Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-sqlite-'));
  store = await openSqliteStore(dir);
  raw = new Database(join(dir, 'sesame.db'));
});
afterEach(async () => {
  raw.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

it('uses one WAL-mode file in the data dir, creating the dir if missing', async () => {
  const nested = join(dir, 'deeper', 'data');
  const other = await openSqliteStore(nested);
  await other.close();
  expect(existsSync(join(nested, 'sesame.db'))).toBe(true);
  expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
});

it('lookups seek the declared unique and plain expression indexes', async () => {
  await store.collection({
    name: 'models',
    unique: ['payload.uid'],
    indexed: ['payload.grantId', 'active'],
  });
  const plan = (field: string, kind: ValueKind, sql: (where: string) => string): string =>
    (
      raw.prepare(`EXPLAIN QUERY PLAN ${sql(lookupCondition(field, kind))}`).all('x', 0) as {
        detail: string;
      }[]
    )
      .map((row) => row.detail)
      .join('; ');
  const select = (where: string) => `SELECT doc FROM "models" WHERE ${where} ORDER BY id`;
  const remove = (where: string) => `DELETE FROM "models" WHERE ${where}`;
  expect(plan('payload.uid', 'string', select)).toMatch(/USING INDEX models\.unique\.payload\.uid/);
  expect(plan('payload.grantId', 'string', select)).toMatch(
    /USING INDEX models\.index\.payload\.grantId/,
  );
  expect(plan('payload.grantId', 'string', remove)).toMatch(
    /USING INDEX models\.index\.payload\.grantId/,
  );
  expect(plan('active', 'boolean', select)).toMatch(/USING INDEX models\.index\.active/);
});

it('stores documents as JSON with their expiry in a column', async () => {
  const c = await store.collection({ name: 'plain' });
  await c.insert({ id: 'a', flag: true, expiresAt: 1234 });
  expect(raw.prepare('SELECT id, doc, expires_at FROM "plain"').get()).toEqual({
    id: 'a',
    doc: '{"id":"a","flag":true,"expiresAt":1234}',
    expires_at: 1234,
  });
});

it('the periodic sweep deletes expired rows', async () => {
  const swept = await openSqliteStore(dir, { sweepIntervalMs: 20 });
  try {
    const c = await swept.collection({ name: 'sessions' });
    await c.insert({ id: 'live', expiresAt: Date.now() + 60_000 });
    for (let i = 0; i < 50; i++) await c.insert({ id: `old-${i}`, expiresAt: Date.now() - 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(raw.prepare('SELECT id FROM "sessions"').pluck().all()).toEqual(['live']);
  } finally {
    await swept.close();
  }
});

it('a data dir that cannot be created rejects with StoreUnavailableError', async () => {
  const file = join(dir, 'not-a-dir');
  await writeFile(file, 'x');
  await expect(openSqliteStore(join(file, 'data'))).rejects.toBeInstanceOf(StoreUnavailableError);
});

it('a write lock held past busy_timeout (5 s) rejects with StoreUnavailableError', async () => {
  const c = await store.collection<Doc>({ name: 'locked' });
  raw.exec('BEGIN IMMEDIATE');
  try {
    await expect(c.insert({ id: 'a' })).rejects.toBeInstanceOf(StoreUnavailableError);
  } finally {
    raw.exec('ROLLBACK');
  }
  await c.insert({ id: 'a' });
}, 20_000);

describe('several processes on one file', () => {
  beforeAll(() => {
    if (!existsSync(COMPILED)) {
      throw new Error(`${COMPILED} is missing: run \`npx tsc -p tsconfig.build.json\` first`);
    }
  });

  /** Forks `count` workers, starts them at the same instant, returns each one's results. */
  async function runWorkers<R>(count: number, args: string[]): Promise<R[][]> {
    const workers = Array.from({ length: count }, () =>
      fork(WORKER, [dir, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    const message = <M>(worker: (typeof workers)[number]) =>
      new Promise<M>((resolve, reject) => {
        worker.once('message', (m) => resolve(m as M));
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    await Promise.all(workers.map((w) => message(w)));
    const done = workers.map((w) => message<{ results: R[] }>(w));
    const startAt = Date.now() + 100;
    for (const worker of workers) worker.send({ startAt });
    return (await Promise.all(done)).map((m) => m.results);
  }

  it('4 processes consuming the same 200 ids consume each exactly once', async () => {
    const c = await store.collection({ name: 'challenges' });
    for (let i = 0; i < 200; i++) await c.insert({ id: `id-${i}`, expiresAt: Date.now() + 60_000 });
    const perWorker = await runWorkers<string>(4, ['challenges', 'consume', '200']);
    const all = perWorker.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all).size).toBe(200);
    expect(await c.count()).toBe(0);
    console.log(
      `cross-process consume split (ids per process): ${perWorker.map((r) => r.length).join('/')}`,
    );
  }, 30_000);

  it('4 processes incrementing one counter 50 times each get 1..200 once each', async () => {
    // The workers also race to create the table and its indexes.
    const counts = (await runWorkers<number>(4, ['limits', 'increment', '50'])).flat();
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  }, 30_000);
});
