import type { ValueKind } from '../validateCollectionSpec.js';

// Every identifier and JSON path below comes from a spec that passed validateCollectionSpec, so
// it can be placed in SQL text; values are always bound parameters.

/** The quoted table name of a collection. */
export function tableName(collection: string): string {
  return `"${collection}"`;
}

/**
 * The SQL expression for a (dotted) document field. Indexes are built on exactly this text and
 * every lookup uses it too: SQLite only uses an expression index for an identical expression.
 */
export function jsonFieldExpression(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}

/** The quoted name of the unique index on `field`; {@link fieldOfIndex} reverses it. */
export function uniqueIndexName(collection: string, field: string): string {
  return `"${collection}.unique.${field}"`;
}

/** The quoted name of the plain index on `field`. */
export function plainIndexName(collection: string, field: string): string {
  return `"${collection}.index.${field}"`;
}

/** The field a unique index (as named in a SQLite constraint message) covers, if it is ours. */
export function fieldOfIndex(collection: string, indexName: string): string | undefined {
  const prefix = `${collection}.unique.`;
  return indexName.startsWith(prefix) ? indexName.slice(prefix.length) : undefined;
}

// json_extract yields 1/0 for JSON booleans and bare text for strings, so an equality on it alone
// would let `true` match `1`; the json_type filter keeps lookups as strict as MongoDB's (it runs
// after the index seek, so it costs little).
const JSON_TYPES: Record<ValueKind, string> = {
  string: `('text')`,
  number: `('integer', 'real')`,
  boolean: `('true', 'false')`,
};

/** The condition hiding expired rows; binds one parameter, now in epoch milliseconds. */
export const LIVE = '(expires_at IS NULL OR expires_at > ?)';

/**
 * The WHERE condition of every equality lookup on `field`: binds (value, now). It starts with
 * the indexed expression so SQLite seeks the field's index.
 */
export function lookupCondition(field: string, kind: ValueKind): string {
  return `${jsonFieldExpression(field)} = ? AND json_type(doc, '$.${field}') IN ${JSON_TYPES[kind]} AND ${LIVE}`;
}
