import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import {
  DuplicateKeyError,
  StoreUnavailableError,
  type Collection,
  type CollectionSpec,
  type Doc,
  type Store,
} from '../../src/store/collection.js';
import { openMongoStore } from '../../src/store/mongo/openMongoStore.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';

/** One backing database (a temp dir, a throwaway MongoDB database) that stores can be opened on. */
interface Harness {
  open(): Promise<Store>;
  /** Documents physically present, expired ones included (to see what `sweep` removed). */
  rawCount(collection: string): Promise<number>;
  destroy(): Promise<void>;
}

interface Account extends Doc {
  email?: string;
  name?: string;
  tenant?: string;
  active?: boolean;
  level?: number;
}

interface OidcModel extends Doc {
  payload: { uid?: string; grantId?: string; consumed?: number; [key: string]: unknown };
}

const HOUR = 3_600_000;

/** The contract every engine must pass; `createHarness` gives a fresh, empty backing database. */
function describeStoreContract(
  engine: string,
  createHarness: () => Promise<Harness>,
  describeFn: typeof describe = describe,
): void {
  describeFn(`store contract: ${engine}`, () => {
    let harness: Harness;
    let store: Store;
    let serial = 0;

    /** A collection no other test touches. */
    function fresh<T extends Doc>(spec: Omit<CollectionSpec, 'name'> = {}): Promise<Collection<T>> {
      serial += 1;
      return store.collection<T>({ name: `c${serial}`, ...spec });
    }
    const accounts = () =>
      fresh<Account>({ unique: ['email'], indexed: ['tenant', 'active', 'level'] });
    const models = () =>
      fresh<OidcModel>({ unique: ['payload.uid'], indexed: ['payload.grantId'] });
    const past = () => Date.now() - 1000;
    const future = () => Date.now() + HOUR;
    async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
      const items: T[] = [];
      for await (const item of iterable) items.push(item);
      return items;
    }

    beforeAll(async () => {
      harness = await createHarness();
      store = await harness.open();
    });
    afterAll(async () => {
      await store?.close();
      await harness?.destroy();
    });

    describe('documents', () => {
      it('round-trip unchanged: nested objects, arrays, unicode, numbers, booleans, null', async () => {
        const c = await fresh();
        const doc: Doc = {
          id: 'round-trip/ü 🔑',
          expiresAt: Date.now() + HOUR,
          nested: { a: { b: [1, 'two', { three: 3 }, null, true, [[]]] }, empty: {} },
          list: [],
          text: 'Zoë — 日本語 🔑 "quoted" \\ back\nslash \u0000 nul',
          ключ: 'unicode key',
          numbers: {
            int: 42,
            negative: -7,
            float: 3.14159,
            safe: Number.MAX_SAFE_INTEGER,
            zero: 0,
            tiny: 1e-12,
            huge: 1.5e300,
          },
          flag: false,
          nothing: null,
          blank: '',
        };
        await c.insert(doc);
        expect(await c.get(doc.id)).toEqual(doc);
        expect(await collect(c.all())).toEqual([doc]);
      });

      it('get of a missing id is undefined', async () => {
        const c = await fresh();
        expect(await c.get('missing')).toBeUndefined();
      });

      it('insert rejects a taken id with DuplicateKeyError(id) and keeps the first document', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', name: 'first' });
        const error = await c.insert({ id: 'a', name: 'second' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(error).toMatchObject({ field: 'id', collection: c.name });
        expect(await c.get('a')).toEqual({ id: 'a', name: 'first' });
      });

      it('insert rejects a taken unique field with DuplicateKeyError(field)', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', email: 'x@example.com' });
        const error = await c.insert({ id: 'b', email: 'x@example.com' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(error).toMatchObject({ field: 'email' });
        expect(await c.get('b')).toBeUndefined();
      });

      it('documents without a unique field do not collide on it', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', name: 'no email' });
        await c.insert({ id: 'b', name: 'no email either' });
        expect(await c.count()).toBe(2);
      });

      it('upsert inserts, then replaces the whole document', async () => {
        const c = await accounts();
        await c.upsert({ id: 'a', email: 'a@example.com', name: 'A', tenant: 't' });
        await c.upsert({ id: 'a', email: 'a2@example.com' });
        expect(await c.get('a')).toEqual({ id: 'a', email: 'a2@example.com' });
        expect(await c.findOne('email', 'a@example.com')).toBeUndefined();
        expect(await c.list('tenant', 't')).toEqual([]);
      });

      it('upsert keeps its own unique value but rejects another document’s', async () => {
        const c = await accounts();
        await c.upsert({ id: 'a', email: 'a@example.com' });
        await c.upsert({ id: 'b', email: 'b@example.com' });
        await c.upsert({ id: 'a', email: 'a@example.com', name: 'renamed' });
        const error = await c.upsert({ id: 'b', email: 'a@example.com' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(error).toMatchObject({ field: 'email' });
        expect(await c.get('b')).toEqual({ id: 'b', email: 'b@example.com' });
      });

      it('rejects documents without a string id', async () => {
        const c = await fresh();
        await expect(c.insert({ id: '' })).rejects.toThrow();
        await expect(c.upsert({ id: 7 } as unknown as Doc)).rejects.toThrow();
      });
    });

    describe('lookups', () => {
      it('findOne by a unique field, an indexed field and a dotted field', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', email: 'a@example.com', tenant: 't1' });
        await c.insert({ id: 'b', email: 'b@example.com', tenant: 't2' });
        expect((await c.findOne('email', 'b@example.com'))?.id).toBe('b');
        expect((await c.findOne('tenant', 't1'))?.id).toBe('a');
        expect(await c.findOne('email', 'nobody@example.com')).toBeUndefined();

        const m = await models();
        await m.insert({ id: 's1', payload: { uid: 'uid-1', grantId: 'g1' } });
        expect((await m.findOne('payload.uid', 'uid-1'))?.id).toBe('s1');
        expect(await m.findOne('payload.uid', 'uid-2')).toBeUndefined();
      });

      it('list returns every match of a dotted indexed field in id order', async () => {
        const m = await models();
        await m.insert({ id: 't3', payload: { grantId: 'g1' } });
        await m.insert({ id: 't1', payload: { grantId: 'g1' } });
        await m.insert({ id: 't2', payload: { grantId: 'g2' } });
        await m.insert({ id: 't0', payload: {} });
        expect((await m.list('payload.grantId', 'g1')).map((d) => d.id)).toEqual(['t1', 't3']);
        expect(await m.list('payload.grantId', 'none')).toEqual([]);
      });

      it('boolean and number lookups match by value and type', async () => {
        const c = await accounts();
        await c.insert({ id: 'on', active: true, level: 1 });
        await c.insert({ id: 'off', active: false, level: 0 });
        await c.insert({
          id: 'odd',
          active: 1 as unknown as boolean,
          level: '1' as unknown as number,
        });
        expect((await c.list('active', true)).map((d) => d.id)).toEqual(['on']);
        expect((await c.list('active', false)).map((d) => d.id)).toEqual(['off']);
        expect((await c.list('level', 1)).map((d) => d.id)).toEqual(['on']);
        expect((await c.list('level', 0)).map((d) => d.id)).toEqual(['off']);
        expect((await c.findOne('level', 1.5))?.id).toBeUndefined();
        expect((await c.list('level', '1')).map((d) => d.id)).toEqual(['odd']);
        expect((await c.list('active', 1)).map((d) => d.id)).toEqual(['odd']);
        expect(await c.deleteMany('active', true)).toBe(1);
        expect((await c.get('odd'))?.id).toBe('odd');
      });

      it('lookups on a field that is not declared unique or indexed throw', async () => {
        const c = await accounts();
        await expect(c.findOne('name', 'x')).rejects.toThrow(/not declared/);
        await expect(c.list('name', 'x')).rejects.toThrow(/not declared/);
        await expect(c.deleteMany('name', 'x')).rejects.toThrow(/not declared/);
      });

      it('all() yields every live document in id order, across pages, while the caller writes', async () => {
        const c = await fresh();
        const ids = Array.from({ length: 700 }, (_, i) => `doc-${String(i).padStart(4, '0')}`);
        for (const id of [...ids].reverse()) await c.insert({ id });
        await c.insert({ id: 'doc-expired', expiresAt: past() });
        const seen: string[] = [];
        for await (const doc of c.all()) {
          seen.push(doc.id);
          await c.delete(doc.id); // writing mid-iteration must work
        }
        expect(seen).toEqual(ids);
        expect(await c.count()).toBe(0);
      });

      it('count counts live documents', async () => {
        const c = await fresh();
        expect(await c.count()).toBe(0);
        await c.insert({ id: 'a' });
        await c.insert({ id: 'b', expiresAt: future() });
        await c.insert({ id: 'c', expiresAt: past() });
        expect(await c.count()).toBe(2);
      });
    });

    describe('atomic operations', () => {
      it('setIfAbsent sets a missing (dotted) field once', async () => {
        const m = await models();
        await m.insert({ id: 'code', payload: { grantId: 'g' } });
        expect(await m.setIfAbsent('code', 'payload.consumed', 123)).toBe(true);
        expect(await m.setIfAbsent('code', 'payload.consumed', 456)).toBe(false);
        expect((await m.get('code'))?.payload).toEqual({ grantId: 'g', consumed: 123 });
        expect(await m.setIfAbsent('code', 'used', true)).toBe(true);
        expect((await m.get('code'))?.used).toBe(true);
        expect(await m.setIfAbsent('missing', 'payload.consumed', 1)).toBe(false);
        await m.insert({
          id: 'nulled',
          payload: { consumed: null } as unknown as OidcModel['payload'],
        });
        expect(await m.setIfAbsent('nulled', 'payload.consumed', 1)).toBe(false);
        await m.insert({ id: 'gone', payload: {}, expiresAt: past() });
        expect(await m.setIfAbsent('gone', 'payload.consumed', 1)).toBe(false);
      });

      it('setIfAbsent: exactly one of 20 concurrent callers wins', async () => {
        const m = await models();
        await m.insert({ id: 'code', payload: {} });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => m.setIfAbsent('code', 'payload.consumed', i)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await m.get('code'))?.payload.consumed).toBe(winner);
      });

      it('setIfAbsent on a unique field rejects a value another document holds', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', email: 'a@example.com' });
        await c.insert({ id: 'b' });
        await expect(c.setIfAbsent('b', 'email', 'a@example.com')).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        await c.insert({ id: 'old', email: 'old@example.com', expiresAt: past() });
        expect(await c.setIfAbsent('b', 'email', 'old@example.com')).toBe(true);
        expect((await c.findOne('email', 'old@example.com'))?.id).toBe('b');
      });

      it('increment counts up within a window and restarts at 1 after expiry', async () => {
        const c = await fresh();
        const window = future();
        expect(await c.increment('k', window)).toBe(1);
        expect(await c.increment('k', window + 5000)).toBe(2);
        expect(await c.increment('k', window + 5000)).toBe(3);
        expect(await c.get('k')).toEqual({ id: 'k', count: 3, expiresAt: window });

        expect(await c.increment('e', past())).toBe(1); // born expired
        expect(await c.get('e')).toBeUndefined();
        const next = future();
        expect(await c.increment('e', next)).toBe(1);
        expect(await c.increment('e', next + 1)).toBe(2);
        expect(await c.get('e')).toEqual({ id: 'e', count: 2, expiresAt: next });
      });

      it('increment: 50 concurrent calls return 1..50 each once', async () => {
        const c = await fresh();
        const until = future();
        const counts = await Promise.all(Array.from({ length: 50 }, () => c.increment('k', until)));
        expect([...counts].sort((a, b) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
      });

      it('consume returns the document once and removes it', async () => {
        const c = await fresh();
        const doc = { id: 'challenge', value: 'abc', expiresAt: future() };
        await c.insert(doc);
        expect(await c.consume('challenge')).toEqual(doc);
        expect(await c.consume('challenge')).toBeUndefined();
        expect(await c.get('challenge')).toBeUndefined();
        expect(await c.consume('never')).toBeUndefined();
      });

      it('consume: exactly one of 50 concurrent callers gets the document', async () => {
        const c = await fresh();
        await c.insert({ id: 'once', secret: 's' });
        const results = await Promise.all(Array.from({ length: 50 }, () => c.consume('once')));
        expect(results.filter((r) => r !== undefined)).toEqual([{ id: 'once', secret: 's' }]);
      });

      it('delete and deleteMany', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', tenant: 't' });
        await c.insert({ id: 'b', tenant: 't' });
        await c.insert({ id: 'c', tenant: 'u' });
        expect(await c.delete('a')).toBe(true);
        expect(await c.delete('a')).toBe(false);
        expect(await c.deleteMany('tenant', 't')).toBe(1);
        expect(await c.deleteMany('tenant', 't')).toBe(0);
        expect((await collect(c.all())).map((d) => d.id)).toEqual(['c']);
      });
    });

    describe('conditional writes', () => {
      it('replace changes a live document and never brings back a deleted one', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', name: 'first', email: 'a@example.com' });
        expect(await c.replace({ id: 'a', name: 'second' })).toBe(true);
        expect(await c.get('a')).toEqual({ id: 'a', name: 'second' });
        await c.delete('a');
        expect(await c.replace({ id: 'a', name: 'third' })).toBe(false);
        expect(await c.get('a')).toBeUndefined();
        expect(await c.replace({ id: 'never', name: 'x' })).toBe(false);
        expect(await c.count()).toBe(0);
      });

      it('replace does not revive an expired document', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', name: 'gone', expiresAt: past() });
        expect(await c.replace({ id: 'a', name: 'back' })).toBe(false);
        expect(await c.get('a')).toBeUndefined();
      });

      it('replace with expect writes only while the field holds the value read', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', level: 4 });
        expect(await c.replace({ id: 'a', level: 5 }, { field: 'level', value: 3 })).toBe(false);
        expect(await c.replace({ id: 'a', level: 5 }, { field: 'level', value: '4' })).toBe(false);
        expect(await c.replace({ id: 'a', level: 5 }, { field: 'level', value: 4 })).toBe(true);
        expect(await c.get('a')).toEqual({ id: 'a', level: 5 });
      });

      it('replace rejects a unique value another document holds', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', email: 'a@example.com' });
        await c.insert({ id: 'b', email: 'b@example.com' });
        await expect(c.replace({ id: 'b', email: 'a@example.com' })).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        expect(await c.get('b')).toEqual({ id: 'b', email: 'b@example.com' });
      });

      it('compare-and-set: of 20 concurrent writers expecting the same value, one wins', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', level: 0 });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            c.update('a', { level: 1, name: `writer ${i}` }, { field: 'level', value: 0 }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await c.get('a')).toEqual({ id: 'a', level: 1, name: `writer ${winner}` });
      });

      it('update sets and removes named fields, keeps the others, never inserts', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', name: 'n', active: true, level: 1 });
        expect(await c.update('a', { name: 'm', active: undefined })).toBe(true);
        expect(await c.get('a')).toEqual({ id: 'a', name: 'm', level: 1 });
        await c.delete('a');
        expect(await c.update('a', { name: 'back' })).toBe(false);
        expect(await c.get('a')).toBeUndefined();
        expect(await c.update('a', {})).toBe(false);
      });

      it('update refuses the id, expiry and unknown shapes', async () => {
        const c = await accounts();
        await c.insert({ id: 'a' });
        await expect(c.update('a', { id: 'b' })).rejects.toThrow(/reserved/);
        await expect(c.update('a', { expiresAt: 1 })).rejects.toThrow(/reserved/);
        await expect(c.update('a', { 'x.y': 1 })).rejects.toThrow(/top-level/);
        expect(await c.get('a')).toEqual({ id: 'a' });
      });
    });

    describe('engines agree', () => {
      it('null in a unique field collides with nothing and reads back as missing', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', email: null as unknown as string });
        await c.insert({ id: 'b', email: null as unknown as string });
        await c.upsert({ id: 'c', email: null as unknown as string });
        expect(await c.get('a')).toEqual({ id: 'a' });
        expect(await c.count()).toBe(3);
      });

      it('lookups never match an element of an array field', async () => {
        const c = await accounts();
        await c.insert({ id: 'a', tenant: ['t1', 't2'] as unknown as string });
        await c.insert({ id: 'b', tenant: 't1' });
        expect((await c.list('tenant', 't1')).map((d) => d.id)).toEqual(['b']);
        expect((await c.findOne('tenant', 't1'))?.id).toBe('b');
        expect(await c.deleteMany('tenant', 't2')).toBe(0);
        expect(await c.replace({ id: 'a' }, { field: 'tenant', value: 't1' })).toBe(false);
      });

      it('increment on a document without a count starts at 1 and keeps its fields', async () => {
        const c = await fresh();
        const until = future();
        await c.insert({ id: 'k', note: 'kept', expiresAt: until });
        expect(await c.increment('k', until + 5000)).toBe(1);
        expect(await c.increment('k', until + 5000)).toBe(2);
        expect(await c.get('k')).toEqual({ id: 'k', note: 'kept', count: 2, expiresAt: until });
      });

      it('list orders by id, newest first when asked, and reads at most limit', async () => {
        const c = await accounts();
        for (const id of ['b', 'd', 'a', 'e', 'c']) await c.insert({ id, tenant: 't' });
        await c.insert({ id: 'f', tenant: 'other' });
        const ids = async (options?: Parameters<typeof c.list>[2]) =>
          (await c.list('tenant', 't', options)).map((d) => d.id);
        expect(await ids()).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await ids({ newestFirst: true })).toEqual(['e', 'd', 'c', 'b', 'a']);
        expect(await ids({ newestFirst: true, limit: 2 })).toEqual(['e', 'd']);
        expect(await ids({ limit: 2 })).toEqual(['a', 'b']);
        await expect(ids({ limit: 0 })).rejects.toThrow(/positive integer/);
        expect((await c.findOne('tenant', 't'))?.id).toBe('a');
      });
    });

    describe('expiry', () => {
      it('an expired document is invisible to every read', async () => {
        const c = await accounts();
        await c.insert({ id: 'old', email: 'old@example.com', tenant: 't', expiresAt: past() });
        expect(await c.get('old')).toBeUndefined();
        expect(await c.findOne('email', 'old@example.com')).toBeUndefined();
        expect(await c.list('tenant', 't')).toEqual([]);
        expect(await collect(c.all())).toEqual([]);
        expect(await c.count()).toBe(0);
        expect(await c.consume('old')).toBeUndefined();
        expect(await c.delete('old')).toBe(false);
        expect(await c.deleteMany('tenant', 't')).toBe(0);
      });

      it('an expired document blocks neither its id nor its unique values', async () => {
        const c = await accounts();
        await c.insert({ id: 'old', email: 'x@example.com', expiresAt: past() });
        await c.insert({ id: 'new', email: 'x@example.com' });
        expect((await c.findOne('email', 'x@example.com'))?.id).toBe('new');

        await c.insert({ id: 'old2', email: 'y@example.com', expiresAt: past() });
        await c.upsert({ id: 'new', email: 'y@example.com' });
        expect((await c.findOne('email', 'y@example.com'))?.id).toBe('new');

        await c.insert({ id: 'reused', expiresAt: past() });
        await c.insert({ id: 'reused', name: 'again' });
        expect(await c.get('reused')).toEqual({ id: 'reused', name: 'again' });
      });

      it('a document expiring later is visible until then', async () => {
        const c = await fresh();
        await c.insert({ id: 'soon', expiresAt: Date.now() + 300 });
        expect(await c.get('soon')).toBeDefined();
        await new Promise((resolve) => setTimeout(resolve, 350));
        expect(await c.get('soon')).toBeUndefined();
      });

      it('sweep() removes expired documents and keeps live ones', async () => {
        const c = await fresh();
        await c.insert({ id: 'live' });
        await c.insert({ id: 'later', expiresAt: future() });
        for (let i = 0; i < 1200; i++) await c.insert({ id: `gone-${i}`, expiresAt: past() });
        // Not exactly 1202: MongoDB's TTL monitor may already have removed some of them.
        const before = await harness.rawCount(c.name);
        expect(before).toBeGreaterThanOrEqual(2);
        expect(before).toBeLessThanOrEqual(1202);
        await store.sweep();
        expect(await harness.rawCount(c.name)).toBe(2);
        expect(await c.count()).toBe(2);
      });
    });

    describe('collections and lifecycle', () => {
      it('collection names are validated before they reach the engine', async () => {
        for (const name of [
          'x; DROP TABLE c1',
          'a"b',
          "a'b",
          '1abc',
          '',
          'a-b',
          'a.b',
          'sqlite_master',
        ]) {
          await expect(store.collection({ name })).rejects.toThrow(/invalid collection name/);
        }
        for (const field of ["a') --", 'a..b', '$where', 'a b', 'id', 'expiresAt', '_id']) {
          await expect(store.collection({ name: 'fields', unique: [field] })).rejects.toThrow();
          await expect(store.collection({ name: 'fields', indexed: [field] })).rejects.toThrow();
        }
        const c = await fresh();
        await expect(c.setIfAbsent('x', "a') --", 1)).rejects.toThrow(/invalid field path/);
        await expect(c.setIfAbsent('x', 'expiresAt', 1)).rejects.toThrow(/reserved/);
      });

      it('the same name gives the same collection; a spec asking for more fields throws', async () => {
        const spec = { name: 'same_spec', unique: ['email'], indexed: ['tenant'] };
        const first = await store.collection(spec);
        expect(await store.collection({ ...spec, indexed: ['tenant'] })).toBe(first);
        expect(await store.collection({ name: 'same_spec' })).toBe(first);
        expect(await store.collection({ name: 'same_spec', indexed: ['email'] })).toBe(first);
        await expect(store.collection({ name: 'same_spec', unique: ['tenant'] })).rejects.toThrow(
          /lacking fields/,
        );
        await expect(store.collection({ name: 'same_spec', indexed: ['name'] })).rejects.toThrow(
          /lacking fields/,
        );
      });

      it('collectionNames() lists created collections', async () => {
        await store.collection({ name: 'listed_one' });
        await store.collection({ name: 'listed_two', unique: ['email'] });
        const names = await store.collectionNames();
        expect(names).toEqual(expect.arrayContaining(['listed_one', 'listed_two']));
        expect(names).toEqual([...names].sort());
      });

      it('ping() resolves', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('data survives closing and reopening the store', async () => {
        const first = await harness.open();
        const c = await first.collection<Account>({ name: 'durable', unique: ['email'] });
        await c.insert({ id: 'kept', email: 'kept@example.com' });
        await first.close();

        const second = await harness.open();
        try {
          const again = await second.collection<Account>({ name: 'durable', unique: ['email'] });
          expect(await again.get('kept')).toEqual({ id: 'kept', email: 'kept@example.com' });
          expect((await again.findOne('email', 'kept@example.com'))?.id).toBe('kept');
          await expect(
            again.insert({ id: 'other', email: 'kept@example.com' }),
          ).rejects.toBeInstanceOf(DuplicateKeyError);
        } finally {
          await second.close();
        }
      });

      it('after close() every call rejects with StoreUnavailableError', async () => {
        const closing = await harness.open();
        const c = await closing.collection({ name: 'closing' });
        await c.insert({ id: 'a' });
        await closing.close();
        await expect(c.get('a')).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(c.insert({ id: 'b' })).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(c.consume('a')).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(collect(c.all())).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(closing.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(closing.collection({ name: 'late' })).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
      });
    });
  });
}

describeStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-store-'));
  return {
    open: () => openSqliteStore(dir),
    async rawCount(collection) {
      const db = new Database(join(dir, 'sesame.db'), { readonly: true });
      try {
        return db.prepare(`SELECT count(*) FROM "${collection}"`).pluck().get() as number;
      } finally {
        db.close();
      }
    },
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
});

/** `uri` pointed at database `name`, keeping the original auth database for credentials. */
function withDatabase(uri: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (match === null) throw new Error(`unrecognised MONGODB_URI: ${uri}`);
  const [, base = '', path = '', query = ''] = match;
  const params = new URLSearchParams(query.slice(1));
  // Credentials authenticate against the URI's database unless authSource says otherwise.
  if (base.includes('@') && !params.has('authSource')) {
    params.set('authSource', decodeURIComponent(path.slice(1)) || 'admin');
  }
  const rest = params.toString();
  return `${base}/${name}${rest === '' ? '' : `?${rest}`}`;
}

const mongoUri = process.env.MONGODB_URI;
if (mongoUri === undefined || mongoUri === '') {
  console.warn(
    'STORE CONTRACT: MongoDB engine SKIPPED (set MONGODB_URI=mongodb://localhost:27017 to run it)',
  );
}
describeStoreContract(
  'mongo',
  async () => {
    const database = `sesame_contract_${process.pid}_${Date.now()}`;
    const uri = withDatabase(mongoUri ?? '', database);
    const admin = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
    await admin.connect();
    return {
      open: () => openMongoStore(uri),
      rawCount: (collection) => admin.db(database).collection(collection).countDocuments({}),
      async destroy() {
        await admin.db(database).dropDatabase();
        await admin.close();
      },
    };
  },
  mongoUri ? describe : describe.skip,
);
