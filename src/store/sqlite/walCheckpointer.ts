import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A background WAL checkpointer; {@link WalCheckpointer.stop} before closing the database. */
export interface WalCheckpointer {
  stop(): Promise<void>;
}

// The worker's whole program, run with `eval` so it works from src/ (tests) and dist/ alike.
// It opens its own connection and copies the WAL back into the database file on a timer.
// PASSIVE never waits for a lock and never blocks readers or writers: when another process is
// checkpointing, or the WAL is in use, it does what it can and the next tick does the rest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
} catch (err) {
  parentPort.postMessage({ failed: String(err && err.message) });
  process.exit(0);
}
// A checkpoint copies frames straight from the WAL: this connection needs no page cache.
db.pragma('cache_size = 16');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const tick = () => {
  try {
    passive.get();
  } catch {
    // Busy or closing: the next tick tries again.
  }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  tick();
  db.close();
  parentPort.close();
});
`;

/**
 * Moves the bulk of SQLite's WAL checkpointing off the event loop. By default a connection
 * checkpoints inline once the WAL passes 1000 pages: the committing request then copies every
 * page back into the database file and fsyncs it, stalling all other requests for milliseconds
 * (tens on a slow disk). Here a worker thread with its own connection runs a PASSIVE
 * checkpoint every `intervalMs`, so the pages are copied and synced off the event loop while
 * the caller keeps a much higher inline threshold (see openSqliteStore). That inline checkpoint
 * is still needed: under steady writes a background checkpoint never finishes before the next
 * commit, and only a checkpoint that covered the whole WAL lets the next write start it over.
 * Inline, it finds almost everything already copied, so it costs a sync, once per WAL cycle.
 * If the worker cannot start, `restoreInline` puts the default threshold back.
 */
export function startWalCheckpointer(options: {
  file: string;
  intervalMs: number;
  restoreInline: () => void;
}): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      file: options.file,
      intervalMs: options.intervalMs,
    },
    // Small heaps: the worker only runs one prepared statement.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
  });
  worker.unref();
  let running = true;
  const fallBack = () => {
    if (!running) return;
    running = false;
    options.restoreInline();
  };
  worker.on('message', (message: { failed?: string }) => {
    if (message.failed !== undefined) fallBack();
  });
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    async stop() {
      if (!running) return;
      running = false;
      const exited = once(worker, 'exit').catch(() => undefined);
      // Keeps the process alive until the worker has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      timeout.unref();
      await exited;
      clearTimeout(timeout);
    },
  };
}
