import type { Collection as Driver, Document, Filter } from 'mongodb';
import {
  StoreUnavailableError,
  type Collection,
  type Doc,
  type Expect,
  type FieldValue,
  type ListOptions,
} from '../collection.js';
import {
  assertFieldPath,
  assertLookupField,
  assertStorableDoc,
  fieldValueKind,
  listLimit,
  readFieldPath,
  storableDoc,
  type ValidSpec,
} from '../validateCollectionSpec.js';
import { duplicateKeyError, isDuplicateKey, mapMongoError } from './mapMongoError.js';
import {
  fieldEquals,
  fromStored,
  incrementPipeline,
  live,
  purgeExpiredConflicts,
  rowFilter,
  toStored,
  type StoredDoc,
} from './mongoDocs.js';

export { indexesFor, type StoredDoc } from './mongoDocs.js';

/** One collection of the MongoDB engine; the same contract as the SQLite engine's. */
export class MongoCollection<T extends Doc> implements Collection<T> {
  readonly name: string;

  constructor(
    private readonly driver: Driver<StoredDoc>,
    private readonly spec: ValidSpec,
    private readonly isClosed: () => boolean,
  ) {
    this.name = spec.name;
  }

  async get(id: string): Promise<T | undefined> {
    return this.guard(async () => fromStored<T>(await this.driver.findOne({ _id: id, ...live() })));
  }

  async findOne(field: string, value: FieldValue): Promise<T | undefined> {
    return this.guard(async () =>
      fromStored<T>(await this.driver.findOne(this.lookup(field, value), { sort: { _id: 1 } })),
    );
  }

  async list(field: string, value: FieldValue, options: ListOptions = {}): Promise<T[]> {
    const filter = this.lookup(field, value);
    const limit = listLimit(options);
    return this.guard(async () => {
      const cursor = this.driver.find(filter).sort({ _id: options.newestFirst ? -1 : 1 });
      const found = await (limit === undefined ? cursor : cursor.limit(limit)).toArray();
      return found.map((stored) => fromStored<T>(stored) as T);
    });
  }

  async *all(): AsyncIterable<T> {
    if (this.isClosed()) throw new StoreUnavailableError('mongodb: store is closed');
    try {
      for await (const stored of this.driver.find(live()).sort({ _id: 1 })) {
        yield fromStored<T>(stored) as T;
      }
    } catch (err) {
      throw mapMongoError(err);
    }
  }

  async count(): Promise<number> {
    return this.guard(() => this.driver.countDocuments(live()));
  }

  async insert(doc: T): Promise<void> {
    assertStorableDoc(doc);
    const stored = toStored(storableDoc(this.spec, doc));
    // The collision may be with an expired document the TTL monitor has not removed yet.
    await this.writeOrPurge(doc.id, true, this.uniqueValues(doc), () =>
      this.driver.insertOne(stored),
    );
  }

  async upsert(doc: T): Promise<void> {
    assertStorableDoc(doc);
    const { _id, ...replacement } = toStored(storableDoc(this.spec, doc));
    const write = () => this.driver.replaceOne({ _id }, replacement, { upsert: true });
    await this.guard(async () => {
      try {
        await write();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // An `_id` collision is two upserts of a new id racing: the retry finds the document.
        const purged = await purgeExpiredConflicts(this.driver, _id, false, this.uniqueValues(doc));
        if (!purged && !('_id' in (err.keyPattern ?? {}))) throw err;
        await write();
      }
    });
  }

  async replace(doc: T, expect?: Expect): Promise<boolean> {
    assertStorableDoc(doc);
    const { _id, ...replacement } = toStored(storableDoc(this.spec, doc));
    const filter = rowFilter(_id, expect);
    return this.writeOrPurge(
      _id,
      false,
      this.uniqueValues(doc),
      async () => (await this.driver.replaceOne(filter, replacement)).matchedCount === 1,
    );
  }

  async update(
    id: string,
    changes: Readonly<Record<string, unknown>>,
    expect?: Expect,
  ): Promise<boolean> {
    const $set: Document = {};
    const $unset: Document = {};
    for (const [field, value] of Object.entries(changes)) {
      assertFieldPath(field);
      if (field.includes('.')) throw new Error(`update takes top-level fields, not ${field}`);
      if (value === undefined || (value === null && this.spec.unique.includes(field)))
        $unset[field] = '';
      else $set[field] = value;
    }
    const filter = rowFilter(id, expect);
    const values = new Map(Object.entries($set).filter(([f]) => this.spec.unique.includes(f)));
    return this.writeOrPurge(id, false, values, async () => {
      const ops = {
        ...(Object.keys($set).length > 0 ? { $set } : {}),
        ...(Object.keys($unset).length > 0 ? { $unset } : {}),
      };
      if (Object.keys(ops).length === 0)
        return (await this.driver.countDocuments(filter, { limit: 1 })) === 1;
      return (await this.driver.updateOne(filter, ops)).matchedCount === 1;
    });
  }

  async setIfAbsent(id: string, field: string, value: FieldValue): Promise<boolean> {
    assertFieldPath(field);
    fieldValueKind(value);
    const filter = { _id: id, [field]: { $exists: false }, ...live() } as Filter<StoredDoc>;
    return this.writeOrPurge(
      id,
      false,
      new Map([[field, value]]),
      async () =>
        (await this.driver.updateOne(filter, { $set: { [field]: value } })).modifiedCount === 1,
    );
  }

  async increment(id: string, expiresAt: number): Promise<number> {
    if (!Number.isFinite(expiresAt)) throw new Error('expiresAt must be epoch milliseconds');
    const write = () =>
      this.driver.findOneAndUpdate({ _id: id }, incrementPipeline(expiresAt), {
        upsert: true,
        returnDocument: 'after',
        projection: { count: 1 },
      });
    return this.guard(async () => {
      let updated: StoredDoc | null;
      try {
        updated = await write();
      } catch (err) {
        // Two upserts creating the same new counter: the loser retries and increments it.
        if (!isDuplicateKey(err)) throw err;
        updated = await write();
      }
      const count = updated?.count;
      if (typeof count !== 'number') throw new Error(`${this.name}/${id} has no numeric count`);
      return count;
    });
  }

  async delete(id: string): Promise<boolean> {
    return this.guard(
      async () => (await this.driver.deleteOne({ _id: id, ...live() })).deletedCount > 0,
    );
  }

  async deleteMany(field: string, value: FieldValue): Promise<number> {
    const filter = this.lookup(field, value);
    return this.guard(async () => (await this.driver.deleteMany(filter)).deletedCount);
  }

  async consume(id: string): Promise<T | undefined> {
    return this.guard(async () =>
      fromStored<T>(
        // Majority: a consumed code must stay consumed if the primary fails over right after.
        await this.driver.findOneAndDelete(
          { _id: id, ...live() },
          { writeConcern: { w: 'majority' } },
        ),
      ),
    );
  }

  /** The filter of an equality lookup on a declared field (live documents only). */
  private lookup(field: string, value: FieldValue): Filter<StoredDoc> {
    assertLookupField(this.spec, field);
    fieldValueKind(value);
    return { ...fieldEquals(field, value), ...live() };
  }

  /** Runs `write`; on a duplicate key, removes expired holders of the keys and retries once. */
  private async writeOrPurge<R>(
    id: string,
    withId: boolean,
    values: ReadonlyMap<string, unknown>,
    write: () => Promise<R>,
  ): Promise<R> {
    return this.guard(async () => {
      try {
        return await write();
      } catch (err) {
        if (!isDuplicateKey(err) || !(await purgeExpiredConflicts(this.driver, id, withId, values)))
          throw err;
        return write();
      }
    });
  }

  private uniqueValues(doc: Doc): Map<string, unknown> {
    return new Map(this.spec.unique.map((field) => [field, readFieldPath(doc, field)]));
  }

  /** Runs `fn` unless the store is closed; maps driver errors to the port's errors. */
  private async guard<R>(fn: () => Promise<R>): Promise<R> {
    if (this.isClosed()) throw new StoreUnavailableError('mongodb: store is closed');
    try {
      return await fn();
    } catch (err) {
      if (isDuplicateKey(err)) throw duplicateKeyError(this.name, err);
      throw mapMongoError(err);
    }
  }
}
