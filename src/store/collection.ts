/**
 * The one storage port every repository in Sesame is written against: a keyed collection of
 * JSON documents. Both engines (embedded SQLite and MongoDB) implement it with the same
 * document shapes, so domain code never sees a driver type.
 */

/**
 * A stored document: a non-empty string `id`, optional expiry (epoch milliseconds), any JSON
 * fields (no `_id`: MongoDB uses it for the id). It round-trips as JSON does: `undefined`
 * fields are dropped.
 */
export interface Doc {
  id: string;
  /** Epoch milliseconds after which the document is treated as absent and swept. */
  expiresAt?: number;
  [field: string]: unknown;
}

/** How a collection is laid out: which (possibly dotted) fields are unique or indexed. */
export interface CollectionSpec {
  name: string;
  /**
   * Fields that must be unique among live documents that have them (e.g. `email`, `payload.uid`).
   * Names match `/^[a-z][a-z0-9_]*$/i`; fields are dotted identifier paths other than `id`,
   * `_id` and `expiresAt`. Anything else throws.
   */
  unique?: readonly string[];
  /** Fields that are looked up with {@link Collection.list} / {@link Collection.deleteMany}. */
  indexed?: readonly string[];
}

/** Scalar values a lookup field may be compared with. */
export type FieldValue = string | number | boolean;

/**
 * A compare-and-set condition: the write happens only if the live document's `field` (a
 * dotted path) still holds `value` (compared by type and value, as lookups are).
 */
export interface Expect {
  field: string;
  value: FieldValue;
}

/** Order and bound of {@link Collection.list}. */
export interface ListOptions {
  /** Highest id first (ids that start with a timestamp make this newest first). */
  newestFirst?: boolean;
  /** At most this many documents (a positive integer). */
  limit?: number;
}

/** Thrown by {@link Collection.insert} when the id or a unique field is already taken. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
  constructor(
    readonly collection: string,
    readonly field: string,
  ) {
    super(`duplicate ${field} in ${collection}`);
  }
}

/** Thrown when the store cannot be reached or fails; the HTTP layer maps it to 503. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A keyed document collection. Every read ignores expired documents. */
export interface Collection<T extends Doc = Doc> {
  readonly name: string;
  /** The live document with this id, or `undefined`. */
  get(id: string): Promise<T | undefined>;
  /**
   * The live document whose unique or indexed `field` equals `value` (the lowest id if several),
   * or `undefined`. Values match by type as well (`true` ≠ `1` ≠ `'1'`). Throws for a field the
   * spec did not declare: that is a programming error, not a miss.
   */
  findOne(field: string, value: FieldValue): Promise<T | undefined>;
  /**
   * Every live document whose unique or indexed `field` equals `value`, in id order (descending
   * with `newestFirst`), at most `limit` of them. The engines read only what they return.
   */
  list(field: string, value: FieldValue, options?: ListOptions): Promise<T[]>;
  /** Every live document, in id order (for the CLI and export). */
  all(): AsyncIterable<T>;
  /** Number of live documents. */
  count(): Promise<number>;
  /**
   * Inserts a new document; throws {@link DuplicateKeyError} if the id or a unique field is taken
   * by a live document (an expired holder is deleted instead).
   */
  insert(doc: T): Promise<void>;
  /**
   * Inserts or replaces the document with `doc.id` (whole-document replace). Throws
   * {@link DuplicateKeyError} if a unique field collides with another document.
   */
  upsert(doc: T): Promise<void>;
  /**
   * Replaces the live document with `doc.id` by `doc`, only if it exists (never inserts: a
   * document deleted meanwhile stays deleted) and, with `expect`, only if its field still holds
   * the expected value. Returns whether it was replaced. Throws {@link DuplicateKeyError} if a
   * unique field collides with another document.
   */
  replace(doc: T, expect?: Expect): Promise<boolean>;
  /**
   * Sets the given top-level or dotted fields of the live document `id` (a value `undefined`
   * removes the field), only if it exists and, with `expect`, only if its field still holds the
   * expected value. Atomic: fields not named keep whatever a concurrent writer put there.
   * Returns whether it was updated. `id`, `_id` and `expiresAt` cannot be changed this way.
   */
  update(id: string, changes: Readonly<Record<string, unknown>>, expect?: Expect): Promise<boolean>;
  /**
   * Sets `field` (dotted paths allowed) to `value` only if the live document exists and has no
   * such field yet (a field holding `null` counts as present). Atomic: of several concurrent
   * callers exactly one gets `true`. Throws {@link DuplicateKeyError} if `field` is unique and
   * another document holds `value`.
   */
  setIfAbsent(id: string, field: string, value: FieldValue): Promise<boolean>;
  /**
   * Atomically increments the numeric field `count` of the document `id`, creating it with
   * `count: 1` and `expiresAt` if it is missing or expired. Returns the new count. Used for
   * rate limits and guess counters that several processes share.
   */
  increment(id: string, expiresAt: number): Promise<number>;
  /** Deletes the live document; `true` if one was deleted (an expired one counts as absent). */
  delete(id: string): Promise<boolean>;
  /** Deletes every live document whose unique or indexed `field` equals `value`; returns how many. */
  deleteMany(field: string, value: FieldValue): Promise<number>;
  /**
   * Atomically deletes and returns the live document with this id (delete-returning /
   * findOneAndDelete). Of several concurrent callers exactly one receives it.
   */
  consume(id: string): Promise<T | undefined>;
}

/** An open store: collections by spec, health, and lifecycle. */
export interface Store {
  /** `sqlite` or `mongo`, for logs and `/readyz`. */
  readonly engine: 'sqlite' | 'mongo';
  /**
   * The collection described by `spec`, creating its table/collection and indexes on first use.
   * Calling it again with the same name returns the same collection (a spec declaring fields the
   * first one did not throws; a bare `{ name }` is fine).
   */
  collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>>;
  /** Names of every collection that exists in the store (for export/import). */
  collectionNames(): Promise<string[]>;
  /** Resolves if the store answers a trivial query, rejects otherwise. */
  ping(): Promise<void>;
  /** Removes expired documents now (engines also do it periodically). */
  sweep(): Promise<void>;
  /** Stops timers and closes the connection / database file. */
  close(): Promise<void>;
}
