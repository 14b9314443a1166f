// A separate OS process working on a shared SQLite store, for the cross-process tests in
// sqliteStore.test.ts. Imports the compiled engine (run `npx tsc -p tsconfig.build.json` first).
// Usage (forked with IPC): storeWorker.mjs <dataDir> <collection> consume|increment <n>
import { openSqliteStore } from '../../dist/src/store/sqlite/openSqliteStore.js';

const [dataDir, name, op, n] = process.argv.slice(2);
const store = await openSqliteStore(dataDir);
const collection = await store.collection({ name });
process.send({ ready: true });

process.once('message', async ({ startAt }) => {
  // Every worker spins until the same instant so their loops really overlap.
  while (Date.now() < startAt);
  const results = [];
  for (let i = 0; i < Number(n); i++) {
    // A random pause keeps the workers in step on the same ids (a worker that never waits would
    // finish all of them within one of its rivals' busy-handler sleeps), so the race is real.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
    if (op === 'consume') {
      const doc = await collection.consume(`id-${i}`);
      if (doc !== undefined) results.push(doc.id);
    } else {
      results.push(await collection.increment('shared', Date.now() + 60_000));
    }
  }
  await store.close();
  process.send({ results }, () => process.disconnect());
});
