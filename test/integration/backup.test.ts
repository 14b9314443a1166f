import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { collectionSpecFor } from '../../src/backup/collectionSpecs.js';
import { importStore } from '../../src/backup/importStore.js';
import { readKeyMaterial } from '../../src/oidc/keyMaterial.js';
import { rotateKeys } from '../../src/oidc/rotateKeys.js';
import type { Doc, Store } from '../../src/store/collection.js';
import { openMongoStore } from '../../src/store/mongo/openMongoStore.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  openInteraction,
  signIn,
  signUpPerson,
} from '../support/passkeyFlows.js';
import { connectRp } from '../support/relyingParty.js';
import { runCli } from '../support/runCli.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let mail: MailCatcher;
let source: RunningSesame;
let work: string;
const dirs: string[] = [];

/** A fresh, empty data directory. */
async function emptyDir(): Promise<string> {
  const dir = await mkdtemp(join(work, 'store-'));
  dirs.push(dir);
  return dir;
}
const cli = (args: string[], dataDir: string) =>
  runCli(args, { DATA_DIR: dataDir, ISSUER: source.issuer, LOG_LEVEL: 'silent' });

/**
 * Every live document of every collection, by collection. Documents about to expire (rate
 * limit windows) are left out: the two stores are read a moment apart.
 */
async function contents(store: Store, skip: string[] = []): Promise<Record<string, Doc[]>> {
  const soon = Date.now() + 10_000;
  const out: Record<string, Doc[]> = {};
  for (const name of await store.collectionNames()) {
    if (skip.includes(name)) continue;
    const docs: Doc[] = [];
    for await (const doc of (await store.collection({ name })).all())
      if (doc.expiresAt === undefined || doc.expiresAt > soon) docs.push(doc);
    out[name] = docs;
  }
  return out;
}

/** `read` applied to the embedded store in `dir`, closed afterwards. */
async function withStore<T>(dir: string, read: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(dir);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sesame-backup-'));
  mail = await startMailCatcher();
  source = await startSesame({ SMTP_URL: mail.url });
  // Something of everything: clients, accounts, passkeys, audit events, sessions, grants,
  // tokens, rate-limit counters, and keys with a rotation under way.
  const rp = await connectRp(source, { redirectUris: [REDIRECT] });
  for (const email of ['ada@example.com', 'grace@example.com']) {
    const { authenticator } = await signUpPerson(
      { issuer: source.issuer, rp, redirectUri: REDIRECT, mail },
      {
        email,
        authorizationParams: { scope: 'openid email offline_access', prompt: 'consent' },
      },
    );
    const again = createHttpAgent(source.issuer);
    const next = await openInteraction(again, await rp.authorizationUrl());
    const result = await signIn({ agent: again, uid: next.uid, authenticator, email });
    await rp.exchange(
      (await continueToCallback(again, result.body.redirectTo!, REDIRECT)).callback,
    );
  }
  await rotateKeys(source.store, { activateInMs: 60_000 });
});

afterAll(async () => {
  await source?.close();
  await mail?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('export and import (embedded → embedded)', () => {
  test('a round trip without keys carries every other collection, document for document', async () => {
    const file = join(work, 'backup.jsonl');
    const exported = await cli(['export', file], source.dataDir);
    expect(exported.code).toBe(0);
    expect(exported.stderr).not.toMatch(/PRIVATE/);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('"collection":"keys"');
    const header = JSON.parse(text.split('\n')[0]!) as { includesKeys: boolean };
    expect(header.includesKeys).toBe(false);

    const target = await emptyDir();
    const imported = await cli(['--json', 'import', file], target);
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout) as { documents: number };
    expect(summary.documents).toBe(text.trim().split('\n').length - 2);

    const expected = await contents(source.store, ['keys']);
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining(['accounts', 'credentials', 'audit_events', 'oidc_Client']),
    );
    expect(expected.accounts).toHaveLength(2);
    const actual = await withStore(target, (store) => contents(store, ['keys']));
    expect(actual).toEqual(expected);
    expect(await withStore(target, (store) => store.collectionNames())).not.toContain('keys');
  });

  test('with --include-keys the keys travel too, and both commands say so loudly', async () => {
    const file = join(work, 'with-keys.jsonl');
    const exported = await cli(['export', file, '--include-keys'], source.dataDir);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/WARNING: .*PRIVATE signing keys/);
    const target = await emptyDir();
    const imported = await cli(['import', file], target);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/WARNING: .*private signing keys/);
    expect(await withStore(target, (store) => contents(store))).toEqual(
      await contents(source.store),
    );
    const version = await withStore(
      target,
      async (store) => (await readKeyMaterial(store))?.version,
    );
    expect(version).toBe((await readKeyMaterial(source.store))?.version);
  });

  test('import creates each collection with its unique and indexed fields', async () => {
    const file = join(work, 'indexes.jsonl');
    expect((await cli(['export', file], source.dataDir)).code).toBe(0);
    const target = await emptyDir();
    expect((await cli(['import', file], target)).code).toBe(0);
    const indexes = (dir: string) => {
      const db = new Database(join(dir, 'sesame.db'), { readonly: true });
      try {
        return (
          db
            .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%.%.%'`)
            .pluck()
            .all() as string[]
        ).sort();
      } finally {
        db.close();
      }
    };
    const sourceIndexes = indexes(source.dataDir).filter((name) => !name.startsWith('keys.'));
    expect(indexes(target)).toEqual(sourceIndexes);
  });

  test('import refuses a store that holds data unless --force, and then replaces by id', async () => {
    const file = join(work, 'twice.jsonl');
    expect((await cli(['export', file], source.dataDir)).code).toBe(0);
    const target = await emptyDir();
    // A server that has started once has keys only: that still counts as empty.
    await withStore(target, (store) => readKeyMaterial(store).then(() => rotateKeys(store)));
    expect((await cli(['import', file], target)).code).toBe(0);
    const refused = await cli(['import', file], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty .*--force/);
    const forced = await cli(['import', file, '--force'], target);
    expect(forced.code).toBe(0);
    expect(await withStore(target, (store) => contents(store, ['keys']))).toEqual(
      await contents(source.store, ['keys']),
    );
  });

  test('a cut-off or foreign file is refused before anything is written', async () => {
    const file = join(work, 'cut.jsonl');
    expect((await cli(['export', file], source.dataDir)).code).toBe(0);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    await writeFile(file, `${lines.slice(0, -3).join('\n')}\n`);
    const target = await emptyDir();
    const cut = await cli(['import', file], target);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/incomplete .*cut off/);
    await writeFile(file, '{"hello":"world"}\n');
    expect((await cli(['import', file], target)).stderr).toMatch(/not a Sesame export/);
    expect(await withStore(target, (store) => store.collectionNames())).toEqual([]);
  });

  test('export does not overwrite a file unless --force, and writes it for the owner only', async () => {
    const file = join(work, 'exists.jsonl');
    await writeFile(file, 'precious');
    const refused = await cli(['export', file], source.dataDir);
    expect(refused.code).toBe(1);
    expect(await readFile(file, 'utf8')).toBe('precious');
    expect((await cli(['export', file, '--force'], source.dataDir)).code).toBe(0);
    const { stat } = await import('node:fs/promises');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  test('the known collection layouts match what a running server creates', async () => {
    const db = new Database(join(source.dataDir, 'sesame.db'), { readonly: true });
    try {
      const rows = db
        .prepare(`SELECT tbl_name AS collection, name FROM sqlite_master WHERE type = 'index'`)
        .all() as { collection: string; name: string }[];
      const created = new Map<string, { unique: string[]; indexed: string[] }>();
      for (const { collection, name } of rows) {
        const match = new RegExp(`^${collection}\\.(unique|index)\\.(.+)$`).exec(name);
        if (!match) continue;
        const entry = created.get(collection) ?? { unique: [], indexed: [] };
        (match[1] === 'unique' ? entry.unique : entry.indexed).push(match[2]!);
        created.set(collection, entry);
      }
      for (const name of await source.store.collectionNames()) {
        const spec = collectionSpecFor(name);
        const actual = created.get(name) ?? { unique: [], indexed: [] };
        expect({ name, unique: actual.unique.sort(), indexed: actual.indexed.sort() }).toEqual({
          name,
          unique: [...(spec.unique ?? [])].sort(),
          indexed: [...(spec.indexed ?? [])].filter((f) => !spec.unique?.includes(f)).sort(),
        });
      }
    } finally {
      db.close();
    }
  });
});

const mongoUri = process.env.MONGODB_URI;
if (!mongoUri)
  console.warn(
    'BACKUP: import into MongoDB SKIPPED (set MONGODB_URI=mongodb://localhost:27017 to run it)',
  );
(mongoUri ? describe : describe.skip)('import into MongoDB', () => {
  test('an embedded export imports into an empty MongoDB database unchanged', async () => {
    const file = join(work, 'to-mongo.jsonl');
    expect((await cli(['export', file, '--include-keys'], source.dataDir)).code).toBe(0);
    const database = `sesame_backup_${process.pid}_${Date.now()}`;
    // The URI's hosts and options with another database (URL() cannot parse seed lists);
    // credentials keep authenticating against the URI's own database.
    const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?(?:\?(.*))?$/.exec(mongoUri!)!;
    const params = new URLSearchParams(match[3] ?? '');
    if (match[1]!.includes('@') && !params.has('authSource'))
      params.set('authSource', match[2]?.slice(1) || 'admin');
    const uri = `${match[1]}/${database}${params.size ? `?${params.toString()}` : ''}`;
    const store = await openMongoStore(uri);
    try {
      await importStore(store, file, { force: false });
      expect(await contents(store)).toEqual(await contents(source.store));
    } finally {
      await store.close();
      const admin = new MongoClient(uri);
      await admin.db(database).dropDatabase();
      await admin.close();
    }
  });
});
