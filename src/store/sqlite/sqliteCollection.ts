import type Database from 'better-sqlite3';
import {
  DuplicateKeyError,
  StoreUnavailableError,
  type Collection,
  type Doc,
  type FieldValue,
} from '../collection.js';
import {
  assertFieldPath,
  assertLookupField,
  assertStorableDoc,
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
  plainIndexName,
  tableName,
  uniqueIndexName,
} from './sqliteNames.js';

type Statement = Database.Statement<unknown[], unknown>;
const PAGE_SIZE = 256;

/** The SQL value json_extract produces for a JSON value, i.e. what an index on it compares. */
function sqlValue(value: unknown): string | number | null {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null || value === undefined) return null;
  return JSON.stringify(value);
}

/** One collection stored as a table `(id, doc JSON, expires_at)` with expression indexes. */
export class SqliteCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  private readonly table: string;
  private readonly byField = new Map<string, Statement>();
  private readonly sql: Record<
    | 'get'
    | 'count'
    | 'page'
    | 'insert'
    | 'upsert'
    | 'increment'
    | 'delete'
    | 'consume'
    | 'purgeExpiredId'
    | 'liveId',
    Statement
  >;
  /** Runs `write` in an IMMEDIATE transaction after clearing expired rows that collide with it. */
  private readonly writeAfterPurge: Database.Transaction<
    (id: string, values: ReadonlyMap<string, unknown>, write: () => unknown) => unknown
  >;

  /** Creates the table and its indexes if needed (safe across processes) and prepares statements. */
  static open<T extends Doc>(db: Database.Database, spec: ValidSpec): SqliteCollection<T> {
    const table = tableName(spec.name);
    // IMMEDIATE takes the write lock first, so processes creating the schema at once queue on
    // busy_timeout instead of failing; IF NOT EXISTS makes the losers' statements no-ops.
    db.transaction(() => {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL, expires_at INTEGER)`,
      );
      db.exec(`CREATE INDEX IF NOT EXISTS "${spec.name}.expires_at" ON ${table} (expires_at)`);
      for (const field of spec.unique) {
        db.exec(
          `CREATE UNIQUE INDEX IF NOT EXISTS ${uniqueIndexName(spec.name, field)} ON ${table} (${jsonFieldExpression(field)})`,
        );
      }
      for (const field of spec.indexed) {
        db.exec(
          `CREATE INDEX IF NOT EXISTS ${plainIndexName(spec.name, field)} ON ${table} (${jsonFieldExpression(field)})`,
        );
      }
    }).immediate();
    return new SqliteCollection<T>(db, spec);
  }

  private constructor(
    private readonly db: Database.Database,
    private readonly spec: ValidSpec,
  ) {
    this.name = spec.name;
    const t = (this.table = tableName(spec.name));
    const prepare = (sql: string): Statement => db.prepare(sql);
    this.sql = {
      get: prepare(`SELECT doc FROM ${t} WHERE id = ? AND ${LIVE}`).pluck(),
      count: prepare(`SELECT count(*) FROM ${t} WHERE ${LIVE}`).pluck(),
      page: prepare(`SELECT id, doc FROM ${t} WHERE id > ? AND ${LIVE} ORDER BY id LIMIT ?`),
      insert: prepare(`INSERT INTO ${t} (id, doc, expires_at) VALUES (?, ?, ?)`),
      upsert: prepare(
        `INSERT INTO ${t} (id, doc, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, expires_at = excluded.expires_at`,
      ),
      // One statement, so it is atomic across processes; an expired row restarts from the
      // inserted document (count 1, the new expiry), a live one keeps its window.
      increment: prepare(
        `INSERT INTO ${t} (id, doc, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET
           doc = CASE WHEN expires_at <= ? THEN excluded.doc
                 ELSE json_set(doc, '$.count', coalesce(json_extract(doc, '$.count'), 0) + 1) END,
           expires_at = CASE WHEN expires_at <= ? THEN excluded.expires_at ELSE expires_at END
         RETURNING json_extract(doc, '$.count')`,
      ).pluck(),
      delete: prepare(`DELETE FROM ${t} WHERE id = ? AND ${LIVE}`),
      consume: prepare(`DELETE FROM ${t} WHERE id = ? AND ${LIVE} RETURNING doc`).pluck(),
      purgeExpiredId: prepare(`DELETE FROM ${t} WHERE id = ? AND expires_at <= ?`),
      liveId: prepare(`SELECT 1 FROM ${t} WHERE id = ? AND ${LIVE}`).pluck(),
    };
    this.writeAfterPurge = db.transaction((id, values, write) => {
      const now = Date.now();
      this.sql.purgeExpiredId.run(id, now);
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

  async get(id: string): Promise<T | undefined> {
    return this.guard(() => this.parse(this.sql.get.get(id, Date.now())));
  }

  async findOne(field: string, value: FieldValue): Promise<T | undefined> {
    assertLookupField(this.spec, field);
    const kind = fieldValueKind(value);
    return this.guard(() =>
      this.parse(
        this.lookup(
          'findOne',
          field,
          kind,
          (where) => `SELECT doc FROM ${this.table} WHERE ${where} ORDER BY id LIMIT 1`,
        ).get(sqlValue(value), Date.now()),
      ),
    );
  }

  async list(field: string, value: FieldValue): Promise<T[]> {
    assertLookupField(this.spec, field);
    const kind = fieldValueKind(value);
    return this.guard(() =>
      (
        this.lookup(
          'list',
          field,
          kind,
          (where) => `SELECT doc FROM ${this.table} WHERE ${where} ORDER BY id`,
        ).all(sqlValue(value), Date.now()) as string[]
      ).map((json) => JSON.parse(json) as T),
    );
  }

  async *all(): AsyncIterable<T> {
    // Keyset pages rather than one open iterator: the connection stays free for writes made
    // while the caller is still consuming (an iterator would hold it busy).
    let after = '';
    for (;;) {
      const rows = this.guard(
        () => this.sql.page.all(after, Date.now(), PAGE_SIZE) as { id: string; doc: string }[],
      );
      for (const row of rows) yield JSON.parse(row.doc) as T;
      const last = rows[rows.length - 1];
      if (rows.length < PAGE_SIZE || last === undefined) return;
      after = last.id;
    }
  }

  async count(): Promise<number> {
    return this.guard(() => this.sql.count.get(Date.now()) as number);
  }

  async insert(doc: T): Promise<void> {
    assertStorableDoc(doc);
    const json = JSON.stringify(doc);
    const expiresAt = doc.expiresAt ?? null;
    this.guard(() => {
      try {
        this.sql.insert.run(doc.id, json, expiresAt);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Rare path: the collision may be with an expired row, which must not block.
        this.writeAfterPurge.immediate(doc.id, this.uniqueValues(doc), () => {
          if (this.sql.liveId.get(doc.id, Date.now()) !== undefined) {
            throw new DuplicateKeyError(this.name, 'id');
          }
          this.sql.insert.run(doc.id, json, expiresAt);
        });
      }
    });
  }

  async upsert(doc: T): Promise<void> {
    assertStorableDoc(doc);
    const json = JSON.stringify(doc);
    const expiresAt = doc.expiresAt ?? null;
    this.guard(() => {
      try {
        this.sql.upsert.run(doc.id, json, expiresAt);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        this.writeAfterPurge.immediate(doc.id, this.uniqueValues(doc), () =>
          this.sql.upsert.run(doc.id, json, expiresAt),
        );
      }
    });
  }

  async setIfAbsent(id: string, field: string, value: FieldValue): Promise<boolean> {
    assertFieldPath(field);
    fieldValueKind(value);
    // json_type is NULL only for a missing path (a JSON null is 'null'), matching `$exists`.
    const set = this.fieldStatement(
      'setIfAbsent',
      field,
      () =>
        `UPDATE ${this.table} SET doc = json_set(doc, '$.${field}', json(?))
         WHERE id = ? AND json_type(doc, '$.${field}') IS NULL AND ${LIVE}`,
    );
    const args = [JSON.stringify(value), id] as const;
    return this.guard(() => {
      try {
        return set.run(...args, Date.now()).changes === 1;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return this.writeAfterPurge.immediate(
          id,
          new Map([[field, value]]),
          () => set.run(...args, Date.now()).changes === 1,
        ) as boolean;
      }
    });
  }

  async increment(id: string, expiresAt: number): Promise<number> {
    if (!Number.isFinite(expiresAt)) throw new Error('expiresAt must be epoch milliseconds');
    const fresh = JSON.stringify({ id, count: 1, expiresAt });
    return this.guard(() => {
      const now = Date.now();
      return this.sql.increment.get(id, fresh, expiresAt, now, now) as number;
    });
  }

  async delete(id: string): Promise<boolean> {
    return this.guard(() => this.sql.delete.run(id, Date.now()).changes > 0);
  }

  async deleteMany(field: string, value: FieldValue): Promise<number> {
    assertLookupField(this.spec, field);
    const kind = fieldValueKind(value);
    return this.guard(
      () =>
        this.lookup(
          'deleteMany',
          field,
          kind,
          (where) => `DELETE FROM ${this.table} WHERE ${where}`,
        ).run(sqlValue(value), Date.now()).changes,
    );
  }

  async consume(id: string): Promise<T | undefined> {
    return this.guard(() => this.parse(this.sql.consume.get(id, Date.now())));
  }

  private parse(json: unknown): T | undefined {
    return typeof json === 'string' ? (JSON.parse(json) as T) : undefined;
  }

  private uniqueValues(doc: T): Map<string, unknown> {
    return new Map(this.spec.unique.map((field) => [field, readFieldPath(doc, field)]));
  }

  /** A cached statement about one field; `build` receives the field's index expression. */
  private fieldStatement(
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
  private lookup(
    op: string,
    field: string,
    kind: ValueKind,
    build: (where: string) => string,
  ): Statement {
    return this.fieldStatement(`${op}:${kind}`, field, () => build(lookupCondition(field, kind)));
  }

  /** Runs `fn` on the open database, turning driver failures into the port's errors. */
  private guard<R>(fn: () => R): R {
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
