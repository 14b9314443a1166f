import type Database from 'better-sqlite3';
import { DuplicateKeyError, StoreUnavailableError, type Doc, type Expect } from '../collection.js';
import {
  assertFieldPath,
  fieldValueKind,
  readFieldPath,
  type ValidSpec,
  type ValueKind,
} from '../validateCollectionSpec.js';
import { isUniqueViolation, mapSqliteError } from './mapSqliteError.js';
import {
  LIVE,
  fieldOfIndex,
  jsonFieldExpression,
  lookupCondition,
  tableName,
} from './sqliteNames.js';

/** A prepared statement of a collection. */
export type Statement = Database.Statement<unknown[], unknown>;

/** The SQL value json_extract produces for a JSON value, i.e. what an index on it compares. */
export function sqlValue(value: unknown): string | number | null {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null || value === undefined) return null;
  return JSON.stringify(value);
}

/**
 * What every part of a SQLite collection shares: the table, cached per-field statements, the
 * guard that maps driver errors to the port's, and the purge-then-write transaction that keeps
 * expired rows from blocking a unique field.
 */
export abstract class SqliteTable<T extends Doc> {
  readonly name: string;
  protected readonly table: string;
  private readonly byField = new Map<string, Statement>();
  private readonly purgeExpiredId: Statement;
  /** Runs `write` in an IMMEDIATE transaction after clearing expired rows that collide with it. */
  protected readonly writeAfterPurge: Database.Transaction<
    (id: string, values: ReadonlyMap<string, unknown>, write: () => unknown) => unknown
  >;

  protected constructor(
    protected readonly db: Database.Database,
    protected readonly spec: ValidSpec,
  ) {
    this.name = spec.name;
    const t = (this.table = tableName(spec.name));
    this.purgeExpiredId = db.prepare(`DELETE FROM ${t} WHERE id = ? AND expires_at <= ?`);
    this.writeAfterPurge = db.transaction((id, values, write) => {
      const now = Date.now();
      this.purgeExpiredId.run(id, now);
      for (const [field, raw] of values) {
        const value = sqlValue(raw);
        if (value === null) continue; // NULL never collides in a SQLite unique index
        this.fieldStatement(
          'purge',
          field,
          (e) => `DELETE FROM ${t} WHERE ${e} = ? AND id <> ? AND expires_at <= ?`,
        ).run(value, id, now);
        const taken = this.fieldStatement(
          'taken',
          field,
          (e) => `SELECT 1 FROM ${t} WHERE ${e} = ? AND id <> ? AND ${LIVE} LIMIT 1`,
        );
        if (taken.get(value, id, now) !== undefined) throw new DuplicateKeyError(this.name, field);
      }
      return write();
    });
  }

  protected parse(json: unknown): T | undefined {
    return typeof json === 'string' ? (JSON.parse(json) as T) : undefined;
  }

  protected uniqueValues(doc: Doc): Map<string, unknown> {
    return new Map(this.spec.unique.map((field) => [field, readFieldPath(doc, field)]));
  }

  /** A cached statement about one field; `build` receives the field's index expression. */
  protected fieldStatement(
    op: string,
    field: string,
    build: (expression: string) => string,
  ): Statement {
    const key = `${op}:${field}`;
    let statement = this.byField.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(build(jsonFieldExpression(field)));
      if (statement.reader) statement.pluck();
      this.byField.set(key, statement);
    }
    return statement;
  }

  /** A cached equality lookup on `field` for values of `kind`, bound as (value, now). */
  protected lookup(
    op: string,
    field: string,
    kind: ValueKind,
    build: (where: string) => string,
  ): Statement {
    return this.fieldStatement(`${op}:${kind}`, field, () => build(lookupCondition(field, kind)));
  }

  /**
   * The WHERE clause selecting the live row `id`, and with `expect` only if its field still holds
   * the value, with its parameters after `id` (as bound after the SET parameters).
   */
  protected rowCondition(expect: Expect | undefined): { where: string; key: string } {
    if (expect === undefined) return { where: `id = ? AND ${LIVE}`, key: '' };
    assertFieldPath(expect.field);
    const kind = fieldValueKind(expect.value);
    return {
      where: `id = ? AND ${lookupCondition(expect.field, kind)}`,
      key: `${expect.field}:${kind}`,
    };
  }

  /** Runs `fn` on the open database, turning driver failures into the port's errors. */
  protected guard<R>(fn: () => R): R {
    if (!this.db.open) throw new StoreUnavailableError('sqlite: store is closed');
    try {
      return fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw this.duplicateFrom(err);
      throw mapSqliteError(err);
    }
  }

  /** A violation of an index the current spec does not declare (left by an older spec). */
  private duplicateFrom(err: Error & { code: string }): DuplicateKeyError {
    if (err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new DuplicateKeyError(this.name, 'id');
    const index = /index '([^']+)'/.exec(err.message)?.[1];
    const field = index === undefined ? undefined : fieldOfIndex(this.name, index);
    return new DuplicateKeyError(this.name, field ?? 'unique');
  }
}
