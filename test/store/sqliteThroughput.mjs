// Rough single-process throughput of the embedded engine (not a test; run by hand):
//   npx tsc -p tsconfig.build.json && node test/store/sqliteThroughput.mjs [count]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../dist/src/store/sqlite/openSqliteStore.js';

const count = Number(process.argv[2] ?? 50_000);
const dir = await mkdtemp(join(tmpdir(), 'sesame-throughput-'));
const store = await openSqliteStore(dir);
const sessions = await store.collection({
  name: 'sessions',
  unique: ['payload.uid'],
  indexed: ['payload.accountId'],
});
const doc = (i) => ({
  id: `session-${i}`,
  expiresAt: Date.now() + 3_600_000,
  payload: { uid: `uid-${i}`, accountId: `account-${i % 100}`, kind: 'Session', loginTs: i },
});

async function measure(label, fn) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await fn(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(22)} ${Math.round(count / seconds).toLocaleString('en')} ops/s`);
}

await measure('upsert (insert)', (i) => sessions.upsert(doc(i)));
await measure('upsert (replace)', (i) => sessions.upsert(doc(i)));
await measure('get', (i) => sessions.get(`session-${i}`));
await measure('findOne payload.uid', (i) => sessions.findOne('payload.uid', `uid-${i}`));
await measure('consume', (i) => sessions.consume(`session-${i}`));
await store.close();
await rm(dir, { recursive: true, force: true });
