import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { DuplicateKeyError, StoreUnavailableError } from '../collection.js';
import { UNIQUE_PREFIX } from './mongoDocs.js';

// Errors about reaching or electing a server, not about the operation: the caller cannot fix
// them, so they become StoreUnavailableError (HTTP 503).
const UNAVAILABLE = [
  MongoNetworkError, // includes MongoNetworkTimeoutError
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoNotConnectedError,
  MongoClientClosedError,
  MongoServerClosedError,
  MongoOperationTimeoutError,
  MongoWriteConcernError,
];
// Server errors the driver would have retried (not primary, shutting down, overloaded) that
// still failed after its retry.
const UNAVAILABLE_LABELS = ['RetryableWriteError', 'ResetPool', 'SystemOverloadedError'];

/** True if `err` is a MongoDB duplicate-key error (E11000). */
export function isDuplicateKey(err: unknown): err is MongoServerError {
  return err instanceof MongoServerError && (err.code === 11000 || err.code === 11001);
}

/** Maps connection, selection and closed-client errors to {@link StoreUnavailableError}. */
export function mapMongoError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  if (
    UNAVAILABLE.some((type) => err instanceof type) ||
    (err instanceof MongoError && UNAVAILABLE_LABELS.some((label) => err.hasErrorLabel(label)))
  ) {
    return new StoreUnavailableError(`mongodb: ${(err as Error).message}`, { cause: err });
  }
  return err;
}

/** The port's {@link DuplicateKeyError} for a duplicate-key error, naming the field it hit. */
export function duplicateKeyError(collection: string, err: MongoServerError): DuplicateKeyError {
  const keyPattern: unknown = err.keyPattern;
  let field =
    keyPattern !== null && typeof keyPattern === 'object' ? Object.keys(keyPattern)[0] : undefined;
  if (field === undefined) {
    // Older servers only name the index in the message: "index: unique_email dup key".
    const index = /index: (\S+) dup key/.exec(String(err.message))?.[1];
    if (index === '_id_') field = '_id';
    else if (index?.startsWith(UNIQUE_PREFIX)) field = index.slice(UNIQUE_PREFIX.length);
  }
  return new DuplicateKeyError(collection, field === '_id' ? 'id' : (field ?? 'unique'));
}
