import { StoreUnavailableError } from '../collection.js';

// Failures of the file or the lock rather than of the statement: the caller cannot fix them,
// so they become StoreUnavailableError (HTTP 503) instead of a 500 with a driver message.
const UNAVAILABLE =
  /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|CORRUPT|NOTADB|READONLY|PROTOCOL|NOMEM|PERM|NOLFS|AUTH)/;

/**
 * True for errors raised by SQLite. Checked by shape, not `instanceof`: the native addon keeps
 * the SqliteError class of the first module instance that loaded it, so a second instance of
 * the JS module (test runners, bundlers) would see a different class — even a different `Error`.
 */
function isSqliteError(err: unknown): err is Error & { code: string } {
  const code: unknown = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** True if `err` is a SQLite primary-key or unique-index violation. */
export function isUniqueViolation(err: unknown): err is Error & { code: string } {
  return (
    isSqliteError(err) &&
    (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/** Maps lock, I/O and closed-database errors to {@link StoreUnavailableError}; others pass through. */
export function mapSqliteError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  if (isSqliteError(err) && UNAVAILABLE.test(err.code)) {
    return new StoreUnavailableError(`sqlite: ${err.message}`, { cause: err });
  }
  if (
    /database connection is not open/.test(String((err as { message?: unknown } | null)?.message))
  ) {
    return new StoreUnavailableError('sqlite: store is closed', { cause: err });
  }
  return err;
}
