import type { CollectionSpec, Doc, FieldValue, ListOptions } from './collection.js';

// Names and paths end up inside SQL text (table names, JSON paths, index expressions) and Mongo
// field names, so only these shapes are ever accepted; nothing else is interpolated.
const COLLECTION_NAME = /^[a-z][a-z0-9_]*$/i;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
// `id` is the key (`_id` in MongoDB) and `expiresAt` has its own column / TTL index, so neither
// may be declared as a lookup field or written through `setIfAbsent`.
const RESERVED_ROOTS = new Set(['id', '_id', 'expiresAt']);

/** True if `name` is a valid collection name (what may be put into SQL as a table name). */
export function isCollectionName(name: string): boolean {
  return COLLECTION_NAME.test(name) && !/^sqlite_/i.test(name);
}

/** A {@link CollectionSpec} that passed {@link validateCollectionSpec}. */
export interface ValidSpec {
  readonly name: string;
  readonly unique: readonly string[];
  /** Indexed fields that are not also unique (they get a plain index). */
  readonly indexed: readonly string[];
  /** Every field that may be looked up: unique ∪ indexed. */
  readonly lookup: ReadonlySet<string>;
}

/** Throws unless `field` is a plain dotted identifier path that is not `id`, `_id` or `expiresAt`. */
export function assertFieldPath(field: string): void {
  if (!FIELD_PATH.test(field)) throw new Error(`invalid field path: ${JSON.stringify(field)}`);
  if (RESERVED_ROOTS.has(field.split('.')[0] ?? '')) {
    throw new Error(`field ${JSON.stringify(field)} is reserved`);
  }
}

/** Checks a collection spec (name and field paths) and returns it normalised; throws if invalid. */
export function validateCollectionSpec(spec: CollectionSpec): ValidSpec {
  if (!isCollectionName(spec.name)) {
    throw new Error(`invalid collection name: ${JSON.stringify(spec.name)}`);
  }
  const unique = [...new Set(spec.unique ?? [])].sort();
  const indexed = [...new Set(spec.indexed ?? [])].filter((f) => !unique.includes(f)).sort();
  for (const field of [...unique, ...indexed]) assertFieldPath(field);
  return { name: spec.name, unique, indexed, lookup: new Set([...unique, ...indexed]) };
}

/**
 * True if `open` already provides everything `requested` declares, so the collection opened with
 * `open` can serve it (e.g. a bare `{ name }` from the CLI's export).
 */
export function coversSpec(open: ValidSpec, requested: ValidSpec): boolean {
  return (
    requested.unique.every((field) => open.unique.includes(field)) &&
    requested.indexed.every((field) => open.lookup.has(field))
  );
}

/** Throws (a programming error) unless `field` was declared unique or indexed in the spec. */
export function assertLookupField(spec: ValidSpec, field: string): void {
  if (!spec.lookup.has(field)) {
    throw new Error(`${spec.name}.${field} is not declared unique or indexed`);
  }
}

/** Throws unless `doc` has a non-empty string id, a finite `expiresAt` if any, and no `_id`. */
export function assertStorableDoc(doc: Doc): void {
  if (typeof doc.id !== 'string' || doc.id === '') throw new Error('document id must be a string');
  if (doc.expiresAt !== undefined && !Number.isFinite(doc.expiresAt)) {
    throw new Error('document expiresAt must be epoch milliseconds');
  }
  if ('_id' in doc) throw new Error('documents may not have an _id field');
}

/** The value at a dotted `path` in `doc`, or `undefined` if any step is missing. */
export function readFieldPath(doc: Doc, path: string): unknown {
  let value: unknown = doc;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** The JSON type of a lookup value; engines compare values by type as well as by value. */
export type ValueKind = 'string' | 'number' | 'boolean';

/**
 * Throws unless `value` is a string, number or boolean (what a lookup may compare with), and
 * returns which. Both engines check with this, so they refuse the same values.
 */
export function fieldValueKind(value: FieldValue): ValueKind {
  const kind = typeof value;
  if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
    throw new Error(`lookup values must be strings, numbers or booleans, not ${kind}`);
  }
  return kind;
}

/** The `limit` of a list, checked: `undefined` for none, else a positive integer. */
export function listLimit(options: ListOptions): number | undefined {
  const { limit } = options;
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error('list limit must be a positive integer');
  return limit;
}

/**
 * `doc` as both engines store it: a top-level unique field holding `null` is left out, so it
 * collides with nothing (as a missing field) and reads back as missing in either engine.
 */
export function storableDoc<T extends Doc>(spec: ValidSpec, doc: T): T {
  const nulls = spec.unique.filter((field) => !field.includes('.') && doc[field] === null);
  if (nulls.length === 0) return doc;
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !nulls.includes(k))) as T;
}
