import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { createCustomClaims, type CustomClaims } from '../../src/groups/customClaims.js';
import { createGroupRepository, type GroupRepository } from '../../src/groups/groupRepository.js';
import { createClaimResolver } from '../../src/groups/resolveClaims.js';
import type { Store } from '../../src/store/collection.js';
import { openMongoStore } from '../../src/store/mongo/openMongoStore.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';

/** The groups module over each engine: the same behaviour from the same storage port. */
function describeGroupStore(
  engine: string,
  open: () => Promise<{ store: Store; destroy(): Promise<void> }>,
  describeFn: typeof describe = describe,
): void {
  describeFn(`groups and custom claims: ${engine}`, () => {
    let opened: { store: Store; destroy(): Promise<void> };
    let groups: GroupRepository;
    let claims: CustomClaims;
    beforeAll(async () => {
      opened = await open();
      groups = await createGroupRepository(opened.store);
      claims = await createCustomClaims(opened.store);
    });
    afterAll(async () => {
      await opened?.store.close();
      await opened?.destroy();
    });

    it('a name is unique; memberships both ways; a deleted group counts for nothing, even recreated', async () => {
      const ops = (await groups.create('ops'))!;
      expect(await groups.create('ops')).toBeUndefined();
      expect(await groups.addMember(ops, 'acc-1')).toBe(true);
      expect(await groups.addMember(ops, 'acc-1')).toBe(false);
      await groups.addMember(ops, 'acc-2');
      expect(await groups.members(ops)).toEqual(['acc-1', 'acc-2']);
      expect((await groups.groupsOf('acc-1')).map((g) => g.name)).toEqual(['ops']);
      expect(await groups.delete(ops)).toBe(true);
      expect(await groups.groupsOf('acc-1')).toEqual([]);
      const again = (await groups.create('ops'))!;
      expect(await groups.members(again)).toEqual([]);
      expect(await groups.groupsOf('acc-2')).toEqual([]);
    });

    it('of 20 concurrent adds of one person exactly one adds', async () => {
      const g = (await groups.create('race'))!;
      const results = await Promise.all(
        Array.from({ length: 20 }, () => groups.addMember(g, 'racer')),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await groups.members(g)).toEqual(['racer']);
    });

    it('claims: person over group, first group by name between groups; limits refuse and keep the old value', async () => {
      const a = (await groups.create('a-team'))!;
      const b = (await groups.create('b-team'))!;
      await groups.addMember(a, 'p1');
      await groups.addMember(b, 'p1');
      await claims.set(`group:${b.id}`, 'level', 2);
      await claims.set(`group:${a.id}`, 'level', 1);
      await claims.set(`group:${b.id}`, 'tags', ['x', { y: true }]);
      const resolve = createClaimResolver(groups, claims);
      expect(await resolve('p1')).toEqual({
        groups: ['a-team', 'b-team'],
        custom: { level: 1, tags: ['x', { y: true }] },
      });
      await claims.set('account:p1', 'level', 9);
      expect((await resolve('p1')).custom.level).toBe(9);
      await expect(claims.set('account:p1', 'level', 'x'.repeat(2000))).rejects.toThrow(
        /too large/,
      );
      for (let i = 0; i < 4; i++) await claims.set('account:p1', `big${i}`, 'y'.repeat(1018));
      await expect(claims.set('account:p1', 'big4', 'y'.repeat(1018))).rejects.toThrow(
        /too many custom claims/,
      );
      expect((await claims.of('account:p1')).level).toBe(9);
      expect(await claims.unset('account:p1', 'level')).toBe(true);
      expect(await claims.unset('account:p1', 'level')).toBe(false);
      expect((await resolve('p1')).custom.level).toBe(1);
    });
  });
}

describeGroupStore('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-groups-'));
  return {
    store: await openSqliteStore(dir),
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
});

const mongoUri = process.env.MONGODB_URI;
if (!mongoUri) {
  console.warn('GROUP STORE: MongoDB engine SKIPPED (set MONGODB_URI to run it)');
}
describeGroupStore(
  'mongo',
  async () => {
    const database = `sesame_groups_${process.pid}_${Date.now()}`;
    const url = new URL(mongoUri ?? '');
    url.pathname = `/${database}`;
    return {
      store: await openMongoStore(url.href),
      async destroy() {
        const client = new MongoClient(url.href);
        await client.connect();
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  },
  (mongoUri ? describe : describe.skip) as typeof describe,
);
