import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { describeKeys } from '../../src/oidc/describeKeys.js';
import {
  keysCollection,
  loadKeyMaterial,
  readKeyMaterial,
  type KeyMaterial,
} from '../../src/oidc/keyMaterial.js';
import { RETIRE_AFTER_MS, rotateKeys } from '../../src/oidc/rotateKeys.js';
import type { Store } from '../../src/store/collection.js';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesame-keys-'));
  store = await openSqliteStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** The kid that signs for `alg`: oidc-provider takes the first key of the algorithm. */
const signer = (keys: KeyMaterial, alg: string) => keys.signingKeys.find((k) => k.alg === alg)?.kid;
const kids = (keys: KeyMaterial) => keys.signingKeys.map((k) => k.kid).sort();

describe('key material', () => {
  test('the first start makes an RS256 and an ES256 signing key, a cookie key and an HMAC secret, once', async () => {
    const first = await loadKeyMaterial(store);
    expect(first.signingKeys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(first.signingKeys.every((k) => k.d && k.use === 'sig')).toBe(true);
    expect(first.cookieKeys).toHaveLength(1);
    expect(first.hmacSecret).not.toBe(first.cookieKeys[0]);
    const again = await loadKeyMaterial(store);
    expect(again.version).toBe(first.version);
  });

  test('a rotation publishes new keys at once and lets them sign only from their activation', async () => {
    const now = Date.now();
    const before = await loadKeyMaterial(store, now);
    await rotateKeys(store, { now, activateInMs: 60_000 });
    const published = (await readKeyMaterial(store, now + 1))!;
    expect(kids(published)).toHaveLength(4);
    expect(published.cookieKeys).toHaveLength(2);
    expect(signer(published, 'RS256')).toBe(signer(before, 'RS256'));
    expect(published.cookieKeys[0]).toBe(before.cookieKeys[0]);
    expect(published.version).not.toBe(before.version);

    const activated = (await readKeyMaterial(store, now + 60_000))!;
    expect(signer(activated, 'RS256')).not.toBe(signer(before, 'RS256'));
    expect(signer(activated, 'ES256')).not.toBe(signer(before, 'ES256'));
    expect(activated.cookieKeys[1]).toBe(before.cookieKeys[0]);
    expect(activated.version).not.toBe(published.version);
    expect(activated.hmacSecret).toBe(before.hmacSecret);
  });

  test('superseded keys verify until everything they signed has expired, then leave the store', async () => {
    const now = Date.now();
    const before = await loadKeyMaterial(store, now);
    await rotateKeys(store, { now, activateInMs: 0 });
    const stillThere = (await readKeyMaterial(store, now + RETIRE_AFTER_MS.signing - 1))!;
    expect(kids(stillThere)).toEqual(expect.arrayContaining(kids(before)));
    const gone = (await readKeyMaterial(store, now + RETIRE_AFTER_MS.signing))!;
    expect(kids(gone)).toHaveLength(2);
    expect(kids(gone)).not.toEqual(expect.arrayContaining([signer(before, 'RS256')]));
    expect(gone.cookieKeys).toHaveLength(2); // cookie keys stay as long as sessions do
    const cookieGone = (await readKeyMaterial(store, now + RETIRE_AFTER_MS.cookie))!;
    expect(cookieGone.cookieKeys).toHaveLength(1);
  });

  test('once the initial keys have retired, a restart does not bring them back', async () => {
    const past = Date.now() - RETIRE_AFTER_MS.cookie - 60_000;
    await loadKeyMaterial(store, past);
    await rotateKeys(store, { now: past, activateInMs: 0 });
    const rotated = (await readKeyMaterial(store))!;
    expect(kids(rotated)).toHaveLength(2);
    const restarted = await loadKeyMaterial(store);
    expect(restarted.version).toBe(rotated.version);
    const ids: string[] = [];
    for await (const key of (await keysCollection(store)).all()) ids.push(key.id);
    expect(ids.filter((id) => id.includes('initial'))).toEqual(['hmac-initial']);
  });

  test('two rotations racing each other never leave an algorithm without a signing key', async () => {
    await loadKeyMaterial(store);
    await Promise.all([
      rotateKeys(store, { activateInMs: 0 }),
      rotateKeys(store, { activateInMs: 0 }),
    ]);
    const keys = (await keysCollection(store)).list('kind', 'signing');
    const live = (await keys).filter((k) => k.expiresAt === undefined);
    expect(live.map((k) => k.jwk?.alg).sort()).toEqual(expect.arrayContaining(['ES256', 'RS256']));
    expect(await readKeyMaterial(store)).toBeDefined();
  });

  test('a store from before the HMAC key keeps its first cookie key as the HMAC secret', async () => {
    const col = await keysCollection(store);
    await col.insert({
      id: 'cookie-initial',
      kind: 'cookie',
      createdAt: 1,
      secret: 'legacy-secret',
    });
    const keys = await loadKeyMaterial(store);
    expect(keys.hmacSecret).toBe('legacy-secret');
    expect(keys.cookieKeys).toEqual(['legacy-secret']);
  });

  test('the description of keys never holds private material', async () => {
    await loadKeyMaterial(store);
    await rotateKeys(store, { activateInMs: 60_000 });
    const keys = [];
    for await (const key of (await keysCollection(store)).all()) keys.push(key);
    const described = describeKeys(keys);
    const text = JSON.stringify(described);
    for (const key of keys) {
      if (key.secret) expect(text).not.toContain(key.secret);
      if (key.jwk?.d) expect(text).not.toContain(key.jwk.d);
    }
    expect(described.map((k) => k.status).sort()).toEqual([
      'active',
      'active',
      'active',
      'active',
      'next',
      'next',
      'next',
    ]);
  });
});
