import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../collection.js';

// Failures of the file or the lock rather than of the statement: the caller cannot fix them,
// so they become StoreUnavailableError (HTTP 503) instead of a 500 with a driver message.
const UNAVAILABLE =
  /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|CORRUPT|NOTADB|READONLY|PROTOCOL|NOMEM|PERM|NOLFS|AUTH)/;

/** True if `err` is a SQLite primary-key or unique-index violation. */
export function isUniqueViolation(err: unknown): err is Error & { code: string } {
  return (
    err instanceof Database.SqliteError &&
    (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/** Maps lock, I/O and closed-database errors to {@link StoreUnavailableError}; others pass through. */
export function mapSqliteError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  if (err instanceof Database.SqliteError && UNAVAILABLE.test(err.code)) {
    return new StoreUnavailableError(`sqlite: ${err.message}`, { cause: err });
  }
  if (err instanceof TypeError && /database connection is not open/.test(err.message)) {
    return new StoreUnavailableError('sqlite: store is closed', { cause: err });
  }
  return err;
}
