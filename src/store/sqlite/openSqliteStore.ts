import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import {
  StoreUnavailableError,
  type Collection,
  type CollectionSpec,
  type Doc,
  type Store,
} from '../collection.js';
import {
  isCollectionName,
  coversSpec,
  validateCollectionSpec,
  type ValidSpec,
} from '../validateCollectionSpec.js';
import { mapSqliteError } from './mapSqliteError.js';
import { SqliteCollection } from './sqliteCollection.js';
import { tableName } from './sqliteNames.js';
import { startWalCheckpointer, type WalCheckpointer } from './walCheckpointer.js';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** How often expired rows are deleted; default 60 s. */
  sweepIntervalMs?: number;
  /**
   * Copy the WAL back into the database file from a worker thread (default), rather than
   * inline in whichever request commits the 1000th page, which stalls every request for the
   * write-back and fsync. See walCheckpointer.ts.
   */
  backgroundCheckpoints?: boolean;
  /** Told about failures the store recovers from by itself (a periodic sweep, the checkpointer). */
  onError?: (what: string, err: unknown) => void;
}

/** How often the background checkpointer copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;
/**
 * WAL pages (4 KiB) past which a commit checkpoints inline (SQLite's default is 1000). With the
 * background checkpointer this finds little left to copy, and lets the WAL start over.
 */
const INLINE_CHECKPOINT_PAGES = 4000;

// Small batches keep each sweep transaction short, so other processes waiting on the write lock
// (busy_timeout) and this process's own requests are never held up for long.
const SWEEP_BATCH = 500;

/**
 * Opens (creating if needed) the embedded store: one WAL-mode SQLite file `sesame.db` in
 * `dataDir`. Several processes may open the same directory at once. Rejects with
 * {@link StoreUnavailableError} if the directory or file cannot be opened.
 */
export async function openSqliteStore(
  dataDir: string,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  let db: Database.Database;
  const file = join(dataDir, 'sesame.db');
  try {
    await mkdir(dataDir, { recursive: true });
    // `timeout` is busy_timeout; it must be in force before the journal_mode change, which
    // needs a lock another process opening the file at the same moment may hold.
    db = new Database(file, { timeout: 5000 });
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  } catch (err) {
    const mapped = mapSqliteError(err);
    throw mapped instanceof StoreUnavailableError
      ? mapped
      : new StoreUnavailableError(`sqlite: cannot open ${dataDir}`, { cause: err });
  }
  let checkpointer: WalCheckpointer | undefined;
  if (options.backgroundCheckpoints ?? true) {
    const restoreInline = () => {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    };
    db.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
    try {
      checkpointer = startWalCheckpointer({
        file,
        intervalMs: CHECKPOINT_INTERVAL_MS,
        restoreInline,
      });
    } catch (err) {
      restoreInline(); // no worker thread: checkpoint inline, as SQLite does by default
      options.onError?.('background WAL checkpoints unavailable; checkpointing inline', err);
    }
  }
  return new SqliteStore(db, options.sweepIntervalMs ?? 60_000, checkpointer, options.onError);
}

class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  private readonly collections = new Map<string, { spec: ValidSpec; collection: Collection }>();
  private readonly sweepStatements = new Map<string, Database.Statement>();
  private readonly timer: NodeJS.Timeout;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly db: Database.Database,
    sweepIntervalMs: number,
    private readonly checkpointer: WalCheckpointer | undefined,
    onError: SqliteStoreOptions['onError'] = () => undefined,
  ) {
    // A failed periodic sweep (e.g. the lock stayed busy) is reported and retried next interval.
    this.timer = setInterval(
      () =>
        this.sweep().catch((err: unknown) =>
          onError('expired-row sweep failed; retrying next interval', err),
        ),
      sweepIntervalMs,
    );
    this.timer.unref();
  }

  async collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>> {
    const valid = validateCollectionSpec(spec);
    const open = this.collections.get(valid.name);
    if (open !== undefined) {
      if (!coversSpec(open.spec, valid)) {
        throw new Error(`collection ${valid.name} is already open with a spec lacking fields`);
      }
      return open.collection as unknown as Collection<T>;
    }
    const collection = this.guard(() => SqliteCollection.open<T>(this.db, valid));
    this.collections.set(valid.name, {
      spec: valid,
      collection: collection as unknown as Collection,
    });
    return collection;
  }

  async collectionNames(): Promise<string[]> {
    return this.guard(
      () =>
        this.db
          .prepare(
            `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
          )
          .pluck()
          .all() as string[],
    );
  }

  async ping(): Promise<void> {
    this.guard(() => this.db.prepare('SELECT 1').get());
  }

  /** Sweeps every table in the file, including collections this process never opened. */
  async sweep(): Promise<void> {
    // Overlapping sweeps (timer plus an explicit call) would only contend for the same rows.
    this.sweeping ??= this.sweepAll().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // The checkpointer's connection goes first, so closing the last one checkpoints the WAL.
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  private async sweepAll(): Promise<void> {
    // Only names this module could have created are ever put into the DELETE's SQL text.
    for (const name of (await this.collectionNames()).filter(isCollectionName)) {
      const statement = this.sweepStatement(name);
      for (;;) {
        const { changes } = this.guard(() => statement.run(Date.now(), SWEEP_BATCH));
        if (changes < SWEEP_BATCH) break;
        await nextTurn(); // let queued requests run between batches
      }
    }
  }

  private sweepStatement(name: string): Database.Statement {
    let statement = this.sweepStatements.get(name);
    if (statement === undefined) {
      const t = tableName(name);
      statement = this.guard(() =>
        this.db.prepare(
          `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE expires_at <= ? LIMIT ?)`,
        ),
      );
      this.sweepStatements.set(name, statement);
    }
    return statement;
  }

  private guard<R>(fn: () => R): R {
    if (!this.db.open) throw new StoreUnavailableError('sqlite: store is closed');
    try {
      return fn();
    } catch (err) {
      throw mapSqliteError(err);
    }
  }
}
