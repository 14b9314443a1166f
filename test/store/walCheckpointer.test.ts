import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';

// The embedded engine copies its WAL back into the database file from a worker thread, so no
// request waits for a checkpoint's write-back and fsync (see walCheckpointer.ts).

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-wal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes ~100 kB of rows: some 650 WAL pages, below every inline checkpoint threshold. */
async function writeSome(store: Awaited<ReturnType<typeof openSqliteStore>>): Promise<void> {
  const col = await store.collection({ name: 'things', indexed: ['kind'] });
  for (let i = 0; i < 150; i++) await col.insert({ id: `t${i}`, kind: 'a', pad: 'x'.repeat(500) });
}

/** The database file holds the rows (they take about 100 kB there). */
const FILLED = 90_000;

/** Size of the database file itself: pages reach it only through a checkpoint. */
const dbFileSize = () => statSync(join(dir, 'sesame.db')).size;

it('copies the WAL into the database file in the background, and leaves no WAL after close', async () => {
  const store = await openSqliteStore(dir);
  await writeSome(store);
  const deadline = Date.now() + 5000;
  while (dbFileSize() < FILLED && Date.now() < deadline) await sleep(50);
  expect(dbFileSize()).toBeGreaterThanOrEqual(FILLED);
  await store.close();
  expect(existsSync(join(dir, 'sesame.db-wal'))).toBe(false);
  const reopened = await openSqliteStore(dir);
  expect(await (await reopened.collection({ name: 'things' })).count()).toBe(150);
  await reopened.close();
});

it('without the worker, the same writes stay in the WAL until a checkpoint threshold or close', async () => {
  const store = await openSqliteStore(dir, { backgroundCheckpoints: false });
  await writeSome(store);
  await sleep(500);
  expect(dbFileSize()).toBeLessThan(FILLED);
  await store.close();
  expect(dbFileSize()).toBeGreaterThanOrEqual(FILLED);
  expect(existsSync(join(dir, 'sesame.db-wal'))).toBe(false);
});

it('keeps the WAL bounded under writes that never pause', async () => {
  const store = await openSqliteStore(dir);
  const col = await store.collection({ name: 'busy', indexed: ['n'] });
  // ~12 MB of page writes with no idle moment for a background checkpoint to finish in.
  for (let i = 0; i < 6000; i++) {
    await col.upsert({ id: `b${i % 1500}`, n: i, pad: 'y'.repeat(1500) });
  }
  const wal = statSync(join(dir, 'sesame.db-wal')).size;
  // The inline threshold is 4000 pages (16 MiB); the WAL starts over before growing much past it.
  expect(wal).toBeLessThan(24 * 1024 * 1024);
  await store.close();
}, 30_000);
