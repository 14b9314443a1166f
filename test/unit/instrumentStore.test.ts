import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { createMetrics } from '../../src/metrics/createMetrics.js';
import { instrumentStore } from '../../src/metrics/instrumentStore.js';
import { DuplicateKeyError, StoreUnavailableError } from '../../src/store/collection.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';

test('failed store operations are counted by operation and kind; duplicates are not failures', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-instrumented-'));
  const metrics = createMetrics();
  const store = instrumentStore(await openSqliteStore(dir), metrics);
  try {
    const col = await store.collection({ name: 'things', unique: ['name'] });
    await col.insert({ id: 'a', name: 'x' });
    await expect(col.insert({ id: 'b', name: 'x' })).rejects.toThrow(DuplicateKeyError);
    expect((await col.get('a'))?.name).toBe('x');
    expect(await store.collection({ name: 'things' })).toBe(col);
    await expect(col.findOne('undeclared', 'x')).rejects.toThrow(/not declared/);
    await store.close();
    await expect(col.get('a')).rejects.toThrow(StoreUnavailableError);
    await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
    const text = await metrics.registry.metrics();
    expect(text).toContain('sesame_store_errors_total{operation="get",kind="unavailable"} 1');
    expect(text).toContain('sesame_store_errors_total{operation="ping",kind="unavailable"} 1');
    expect(text).toContain('sesame_store_errors_total{operation="findOne",kind="error"} 1');
    expect(text).not.toContain('operation="insert"');
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
