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
import { StoreUnavailableError } from '../collection.js';

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
