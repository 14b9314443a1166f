import type { Collection as Driver, Document, Filter, IndexDescription } from 'mongodb';
import type { Doc, Expect, FieldValue } from '../collection.js';
import { assertFieldPath, fieldValueKind, type ValidSpec } from '../validateCollectionSpec.js';

/** A document as MongoDB holds it: `_id` instead of `id`, `expiresAt` as a BSON Date. */
export interface StoredDoc {
  _id: string;
  expiresAt?: Date;
  [field: string]: unknown;
}

/** The prefix of unique index names, which name the field they cover. */
export const UNIQUE_PREFIX = 'unique_';

/** The indexes a collection needs: TTL on `expiresAt`, then one per declared lookup field. */
export function indexesFor(spec: ValidSpec): IndexDescription[] {
  return [
    // The TTL monitor deletes lazily (about once a minute); reads filter expiry themselves.
    { key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 },
    ...spec.unique.map((field) => ({
      key: { [field]: 1 },
      name: `${UNIQUE_PREFIX}${field}`,
      unique: true,
      // Documents without the field do not collide, as NULLs do not in SQLite's unique index.
      partialFilterExpression: { [field]: { $exists: true } },
    })),
    ...spec.indexed.map((field) => ({ key: { [field]: 1 }, name: `index_${field}` })),
  ];
}

/** The filter that hides expired documents (a missing `expiresAt` never expires). */
export function live(now = Date.now()): Filter<StoredDoc> {
  return { expiresAt: { $not: { $lte: new Date(now) } } };
}

/**
 * Equality on `field` as SQLite's lookups compare: by type and value, and never against an
 * element of an array (MongoDB's `$eq` alone matches an array that contains the value).
 */
export function fieldEquals(field: string, value: FieldValue): Filter<StoredDoc> {
  return {
    $and: [{ [field]: { $eq: value } }, { [field]: { $not: { $type: 'array' } } }],
  } as Filter<StoredDoc>;
}

/** The filter of a conditional write: the live document `id`, and with `expect` only while its field holds the value. */
export function rowFilter(id: string, expect: Expect | undefined): Filter<StoredDoc> {
  if (expect === undefined) return { _id: id, ...live() };
  assertFieldPath(expect.field);
  fieldValueKind(expect.value);
  return { _id: id, ...live(), ...fieldEquals(expect.field, expect.value) };
}

/** `doc` as stored: `id` → `_id`, `expiresAt` → Date. */
export function toStored(doc: Doc): StoredDoc {
  const { id, expiresAt, ...fields } = doc;
  return expiresAt === undefined
    ? { _id: id, ...fields }
    : { _id: id, ...fields, expiresAt: new Date(expiresAt) };
}

/** A stored document back in the port's shape. */
export function fromStored<T extends Doc>(stored: StoredDoc | null): T | undefined {
  if (stored === null) return undefined;
  const { _id, expiresAt, ...fields } = stored;
  return (
    expiresAt instanceof Date
      ? { id: _id, ...fields, expiresAt: expiresAt.getTime() }
      : { id: _id, ...fields }
  ) as T;
}

/**
 * The one-stage pipeline of `increment`, atomic as a single update: an expired (or new)
 * counter restarts at 1 with the new expiry, a live one keeps its window, and a live document
 * without a numeric `count` gets `count: 1` and keeps its fields and expiry (as in SQLite).
 * All expressions of a $set stage see the old values.
 */
export function incrementPipeline(expiresAt: number, now = new Date()): Document[] {
  const missing = (field: string) => ({ $eq: [{ $type: field }, 'missing'] });
  const expired = {
    $and: [{ $eq: [{ $type: '$expiresAt' }, 'date'] }, { $lte: ['$expiresAt', now] }],
  };
  const restart = { $or: [expired, { $and: [missing('$count'), missing('$expiresAt')] }] };
  const numeric = { $in: [{ $type: '$count' }, ['int', 'long', 'double', 'decimal']] };
  return [
    {
      $set: {
        count: { $cond: [restart, 1, { $cond: [numeric, { $add: ['$count', 1] }, 1] }] },
        expiresAt: { $cond: [restart, new Date(expiresAt), '$expiresAt'] },
      },
    },
  ];
}

/**
 * Deletes expired documents that hold `id` (if `withId`) or one of `values` (unique field →
 * value) under another id, so a retried write does not collide with them. True if any went.
 */
export async function purgeExpiredConflicts(
  driver: Driver<StoredDoc>,
  id: string,
  withId: boolean,
  values: ReadonlyMap<string, unknown>,
): Promise<boolean> {
  const clauses: Filter<StoredDoc>[] = withId ? [{ _id: id }] : [];
  for (const [field, value] of values) {
    if (value !== undefined && value !== null) {
      clauses.push({ [field]: { $exists: true, $eq: value }, _id: { $ne: id } });
    }
  }
  if (clauses.length === 0) return false;
  const { deletedCount } = await driver.deleteMany({
    $or: clauses,
    expiresAt: { $lte: new Date() },
  });
  return deletedCount > 0;
}
