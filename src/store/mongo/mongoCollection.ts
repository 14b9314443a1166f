import type { Collection as Driver, Document, Filter, IndexDescription } from 'mongodb';
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
} from '../validateCollectionSpec.js';
import { isDuplicateKey, mapMongoError } from './mapMongoError.js';

/** A document as MongoDB holds it: `_id` instead of `id`, `expiresAt` as a BSON Date. */
export interface StoredDoc {
  _id: string;
  expiresAt?: Date;
  [field: string]: unknown;
}

const UNIQUE_PREFIX = 'unique_';

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
function live(now = Date.now()): Filter<StoredDoc> {
  return { expiresAt: { $not: { $lte: new Date(now) } } };
}

function toStored(doc: Doc): StoredDoc {
  const { id, expiresAt, ...fields } = doc;
  return expiresAt === undefined
    ? { _id: id, ...fields }
    : { _id: id, ...fields, expiresAt: new Date(expiresAt) };
}

function fromStored<T extends Doc>(stored: StoredDoc | null): T | undefined {
  if (stored === null) return undefined;
  const { _id, expiresAt, ...fields } = stored;
  return (
    expiresAt instanceof Date
      ? { id: _id, ...fields, expiresAt: expiresAt.getTime() }
      : { id: _id, ...fields }
  ) as T;
}

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
    assertLookupField(this.spec, field);
    fieldValueKind(value);
    return this.guard(async () =>
      fromStored<T>(await this.driver.findOne({ [field]: value, ...live() }, { sort: { _id: 1 } })),
    );
  }

  async list(field: string, value: FieldValue): Promise<T[]> {
    assertLookupField(this.spec, field);
    fieldValueKind(value);
    return this.guard(async () => {
      const found = await this.driver
        .find({ [field]: value, ...live() })
        .sort({ _id: 1 })
        .toArray();
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
    const stored = toStored(doc);
    await this.guard(async () => {
      try {
        await this.driver.insertOne(stored);
      } catch (err) {
        // The collision may be with an expired document the TTL monitor has not removed yet.
        if (!isDuplicateKey(err)) throw err;
        if (!(await this.purgeExpiredConflicts(doc.id, true, this.uniqueValues(doc)))) throw err;
        await this.driver.insertOne(stored);
      }
    });
  }

  async upsert(doc: T): Promise<void> {
    assertStorableDoc(doc);
    const { _id, ...replacement } = toStored(doc);
    const write = () => this.driver.replaceOne({ _id }, replacement, { upsert: true });
    await this.guard(async () => {
      try {
        await write();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // An `_id` collision is two upserts of a new id racing: the retry finds the document.
        const purged = await this.purgeExpiredConflicts(_id, false, this.uniqueValues(doc));
        if (!purged && !('_id' in (err.keyPattern ?? {}))) throw err;
        await write();
      }
    });
  }

  async setIfAbsent(id: string, field: string, value: FieldValue): Promise<boolean> {
    assertFieldPath(field);
    fieldValueKind(value);
    const write = async () =>
      (
        await this.driver.updateOne(
          { _id: id, [field]: { $exists: false }, ...live() },
          { $set: { [field]: value } },
        )
      ).modifiedCount === 1;
    return this.guard(async () => {
      try {
        return await write();
      } catch (err) {
        const values = new Map([[field, value]]);
        if (!isDuplicateKey(err) || !(await this.purgeExpiredConflicts(id, false, values))) {
          throw err;
        }
        return write();
      }
    });
  }

  async increment(id: string, expiresAt: number): Promise<number> {
    if (!Number.isFinite(expiresAt)) throw new Error('expiresAt must be epoch milliseconds');
    const now = new Date();
    // One pipeline update, so it is atomic: an expired (or new) counter restarts at 1 with the
    // new expiry, a live one keeps its window. All expressions of a $set stage see the old values.
    const expired = {
      $and: [{ $eq: [{ $type: '$expiresAt' }, 'date'] }, { $lte: ['$expiresAt', now] }],
    };
    const restart = { $or: [expired, { $eq: [{ $type: '$count' }, 'missing'] }] };
    const pipeline: Document[] = [
      {
        $set: {
          count: { $cond: [restart, 1, { $add: ['$count', 1] }] },
          expiresAt: { $cond: [restart, new Date(expiresAt), '$expiresAt'] },
        },
      },
    ];
    const write = () =>
      this.driver.findOneAndUpdate({ _id: id }, pipeline, {
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
    assertLookupField(this.spec, field);
    fieldValueKind(value);
    return this.guard(
      async () => (await this.driver.deleteMany({ [field]: value, ...live() })).deletedCount,
    );
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

  /**
   * Deletes expired documents that hold `id` (if `withId`) or one of `values` (unique field →
   * value) under another id, so a retried write does not collide with them. True if any went.
   */
  private async purgeExpiredConflicts(
    id: string,
    withId: boolean,
    values: ReadonlyMap<string, unknown>,
  ): Promise<boolean> {
    const clauses: Filter<StoredDoc>[] = withId ? [{ _id: id }] : [];
    for (const [field, value] of values) {
      if (value !== undefined) {
        clauses.push({ [field]: { $exists: true, $eq: value }, _id: { $ne: id } });
      }
    }
    if (clauses.length === 0) return false;
    const { deletedCount } = await this.driver.deleteMany({
      $or: clauses,
      expiresAt: { $lte: new Date() },
    });
    return deletedCount > 0;
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
      if (isDuplicateKey(err)) throw this.duplicateFrom(err);
      throw mapMongoError(err);
    }
  }

  private duplicateFrom(err: Document): DuplicateKeyError {
    const keyPattern: unknown = err.keyPattern;
    let field =
      keyPattern !== null && typeof keyPattern === 'object'
        ? Object.keys(keyPattern)[0]
        : undefined;
    if (field === undefined) {
      // Older servers only name the index in the message: "index: unique_email dup key".
      const index = /index: (\S+) dup key/.exec(String(err.message))?.[1];
      if (index === '_id_') field = '_id';
      else if (index?.startsWith(UNIQUE_PREFIX)) field = index.slice(UNIQUE_PREFIX.length);
    }
    return new DuplicateKeyError(this.name, field === '_id' ? 'id' : (field ?? 'unique'));
  }
}
