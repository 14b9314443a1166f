import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@jest/globals';
import { createAuditLog } from '../../src/accounts/auditLog.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';
import { lookupCondition } from '../../src/store/sqlite/sqliteNames.js';

test('the activity list is the newest 50, read through the account index with a bound', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sesame-audit-'));
  const store = await openSqliteStore(dir);
  try {
    const audit = await createAuditLog(store);
    for (let i = 0; i < 120; i++) {
      await audit.record({ type: 'signin', accountId: 'a', detail: `event ${i}` });
      await audit.record({ type: 'signin', accountId: 'b', detail: `other ${i}` });
    }
    const events = await audit.forAccount('a');
    expect(events).toHaveLength(50);
    expect(events.every((e) => e.accountId === 'a')).toBe(true);
    const ats = events.map((e) => e.at);
    expect([...ats].sort((x, y) => y - x)).toEqual(ats);
    expect(events[0]!.detail).toBe('event 119');
    expect(await audit.forAccount('a', 3)).toHaveLength(3);

    // The query SQLite runs searches the accountId index in id order and stops at the limit:
    // no full scan and no temporary sort of a year of events.
    const db = new Database(join(dir, 'sesame.db'), { readonly: true });
    try {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT doc FROM "audit_events" WHERE ${lookupCondition('accountId', 'string')} ORDER BY id DESC LIMIT ?`,
        )
        .all('a', Date.now(), 50) as { detail: string }[];
      const text = plan.map((row) => row.detail).join('\n');
      expect(text).toMatch(
        /^SEARCH "?audit_events"? USING INDEX "?audit_events\.index\.accountId"?/,
      );
      expect(text).not.toMatch(/TEMP B-TREE/);
    } finally {
      db.close();
    }
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
