import type Database from 'better-sqlite3';
import type { Doc, Expect, FieldValue } from '../collection.js';
import {
  assertFieldPath,
  assertStorableDoc,
  fieldValueKind,
  storableDoc,
  type ValidSpec,
} from '../validateCollectionSpec.js';
import { isUniqueViolation } from './mapSqliteError.js';
import { LIVE } from './sqliteNames.js';
import { sqlValue, SqliteTable, type Statement } from './sqliteTable.js';

/** The writing half of a SQLite collection (see {@link SqliteTable} for what both share). */
export abstract class SqliteWrites<T extends Doc> extends SqliteTable<T> {
  private readonly writes: Record<'insert' | 'upsert' | 'increment', Statement>;
  private readonly conditional = new Map<string, Statement>();

  protected constructor(db: Database.Database, spec: ValidSpec) {
    super(db, spec);
    const t = this.table;
    this.writes = {
      insert: db.prepare(`INSERT INTO ${t} (id, doc, expires_at) VALUES (?, ?, ?)`),
      upsert: db.prepare(
        `INSERT INTO ${t} (id, doc, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, expires_at = excluded.expires_at`,
      ),
      // One statement, so it is atomic across processes; an expired row (or one without a
      // numeric count) restarts from the inserted document, a live one keeps its window.
      increment: db
        .prepare(
          `INSERT INTO ${t} (id, doc, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET
             doc = CASE WHEN expires_at <= ? THEN excluded.doc
                   ELSE json_set(doc, '$.count', CASE
                     WHEN json_type(doc, '$.count') IN ('integer', 'real')
                     THEN json_extract(doc, '$.count') + 1 ELSE 1 END) END,
             expires_at = CASE WHEN expires_at <= ? THEN excluded.expires_at ELSE expires_at END
           RETURNING json_extract(doc, '$.count')`,
        )
        .pluck(),
    };
  }

  async insert(doc: T): Promise<void> {
    assertStorableDoc(doc);
    const json = JSON.stringify(storableDoc(this.spec, doc));
    // Rare retry path: the collision may be with an expired row, which must not block; a live
    // row with the id still collides inside the retry (primary key → DuplicateKeyError 'id').
    this.writeOrPurge(doc.id, this.uniqueValues(doc), () =>
      this.writes.insert.run(doc.id, json, doc.expiresAt ?? null),
    );
  }

  async upsert(doc: T): Promise<void> {
    assertStorableDoc(doc);
    const json = JSON.stringify(storableDoc(this.spec, doc));
    this.writeOrPurge(doc.id, this.uniqueValues(doc), () =>
      this.writes.upsert.run(doc.id, json, doc.expiresAt ?? null),
    );
  }

  async replace(doc: T, expect?: Expect): Promise<boolean> {
    assertStorableDoc(doc);
    const cond = this.rowCondition(expect);
    const statement = this.prepared(
      `replace|${cond.key}`,
      () => `UPDATE ${this.table} SET doc = ?, expires_at = ? WHERE ${cond.where}`,
    );
    const head = [JSON.stringify(storableDoc(this.spec, doc)), doc.expiresAt ?? null, doc.id];
    return this.writeOrPurge(
      doc.id,
      this.uniqueValues(doc),
      () => statement.run(...head, ...this.expectParams(expect)).changes === 1,
    );
  }

  async update(
    id: string,
    changes: Readonly<Record<string, unknown>>,
    expect?: Expect,
  ): Promise<boolean> {
    const set: [string, unknown][] = [];
    const unset: string[] = [];
    for (const [field, value] of Object.entries(changes)) {
      assertFieldPath(field);
      if (field.includes('.')) throw new Error(`update takes top-level fields, not ${field}`);
      if (value === undefined || (value === null && this.spec.unique.includes(field)))
        unset.push(field);
      else set.push([field, value]);
    }
    let expression = 'doc';
    if (set.length > 0)
      expression = `json_set(doc, ${set.map(([f]) => `'$.${f}', json(?)`).join(', ')})`;
    if (unset.length > 0)
      expression = `json_remove(${expression}, ${unset.map((f) => `'$.${f}'`).join(', ')})`;
    const cond = this.rowCondition(expect);
    const statement = this.prepared(
      `update|${set.map(([f]) => f).join(',')}|${unset.join(',')}|${cond.key}`,
      () => `UPDATE ${this.table} SET doc = ${expression} WHERE ${cond.where}`,
    );
    const head = [...set.map(([, value]) => JSON.stringify(value)), id];
    const unique = new Map(set.filter(([f]) => this.spec.unique.includes(f)));
    return this.writeOrPurge(
      id,
      unique,
      () => statement.run(...head, ...this.expectParams(expect)).changes === 1,
    );
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
    return this.writeOrPurge(
      id,
      new Map([[field, value]]),
      () => set.run(JSON.stringify(value), id, Date.now()).changes === 1,
    );
  }

  async increment(id: string, expiresAt: number): Promise<number> {
    if (!Number.isFinite(expiresAt)) throw new Error('expiresAt must be epoch milliseconds');
    const fresh = JSON.stringify({ id, count: 1, expiresAt });
    return this.guard(() => {
      const now = Date.now();
      return this.writes.increment.get(id, fresh, expiresAt, now, now) as number;
    });
  }

  /** Parameters of {@link rowCondition} after the id: the expected value if any, then now. */
  private expectParams(expect: Expect | undefined): (string | number | null)[] {
    return expect === undefined ? [Date.now()] : [sqlValue(expect.value), Date.now()];
  }

  private prepared(key: string, sql: () => string): Statement {
    let statement = this.conditional.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql());
      this.conditional.set(key, statement);
    }
    return statement;
  }

  /**
   * Runs `write`; if it hits a unique index, retries it once in a transaction that first clears
   * expired rows holding the id or one of `values` (a live holder still collides).
   */
  private writeOrPurge<R>(id: string, values: ReadonlyMap<string, unknown>, write: () => R): R {
    return this.guard(() => {
      try {
        return write();
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return this.writeAfterPurge.immediate(id, values, write) as R;
      }
    });
  }
}
