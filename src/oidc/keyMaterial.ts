import { createHash } from 'node:crypto';
import {
  DuplicateKeyError,
  type Collection,
  type CollectionSpec,
  type Store,
} from '../store/collection.js';
import { newSecretKey, newSigningKey, SIGNING_ALGORITHMS } from './newKeys.js';
import type { StoredKey } from './storedKey.js';

/** The keys the provider needs, each list in the order oidc-provider and keygrip use them. */
export interface KeyMaterial {
  /** Private signing JWKs: for each algorithm the first one signs, all verify and are published. */
  signingKeys: NonNullable<StoredKey['jwk']>[];
  /** Cookie secrets: the first signs, all verify. */
  cookieKeys: string[];
  /** Stable secret for HMACs that must agree across instances and rotations (never rotated). */
  hmacSecret: string;
  /** Changes whenever a key appears, disappears or starts signing; cheap to compare. */
  version: string;
}

/** The `keys` collection. */
export const KEYS_SPEC: CollectionSpec = { name: 'keys', indexed: ['kind'] };

/** Opens the `keys` collection. */
export function keysCollection(store: Store): Promise<Collection<StoredKey>> {
  return store.collection<StoredKey>(KEYS_SPEC);
}

/** True once `key` may sign (its activation time has come). */
export function isActivated(key: StoredKey, now: number): boolean {
  return key.activatesAt === undefined || key.activatesAt <= now;
}

/**
 * Orders the keys of one kind that are live at `now` for use: activated keys first, newest
 * activation first (the first one of an algorithm signs), then keys waiting to activate
 * (published, not signing). Ordering by activation rather than by clock alone keeps a key made
 * on a machine with a skewed clock from jumping the queue.
 */
export function orderKeys(keys: StoredKey[], now: number): StoredKey[] {
  const since = (k: StoredKey) => k.activatesAt ?? k.createdAt;
  const live = keys.filter((k) => k.expiresAt === undefined || k.expiresAt > now);
  const activated = live.filter((k) => isActivated(k, now)).sort((a, b) => since(b) - since(a));
  const waiting = live.filter((k) => !isActivated(k, now)).sort((a, b) => since(a) - since(b));
  return [...activated, ...waiting];
}

/**
 * Loads signing, cookie and HMAC keys from the store, generating any kind that has no live key
 * (first start). Instances that start together agree: each initial key has a fixed id, so only
 * the first insert wins and everyone reads the winner.
 */
export async function loadKeyMaterial(store: Store, now = Date.now()): Promise<KeyMaterial> {
  const col = await keysCollection(store);
  const insertOnce = async (key: StoredKey) => {
    try {
      await col.insert(key);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  };
  const signing = await col.list('kind', 'signing');
  for (const alg of SIGNING_ALGORITHMS) {
    if (!signing.some((k) => k.jwk?.alg === alg))
      await insertOnce(newSigningKey(alg, { id: `signing-initial-${alg}`, now }));
  }
  if ((await col.list('kind', 'hmac')).length === 0) {
    // Stores made before the HMAC key existed used the first cookie key for it; keeping that
    // value keeps their CSRF tokens, pending codes and fake credential lists unchanged.
    const legacy = (await col.get('cookie-initial'))?.secret;
    await insertOnce(
      newSecretKey('hmac', { id: 'hmac-initial', now, ...(legacy ? { secret: legacy } : {}) }),
    );
  }
  if ((await col.list('kind', 'cookie')).length === 0)
    await insertOnce(newSecretKey('cookie', { id: 'cookie-initial', now }));
  const material = await readKeyMaterial(store, now);
  if (!material) throw new Error('the keys collection holds no usable keys');
  return material;
}

/**
 * Reads the keys as they stand at `now`, without creating any; `undefined` when a kind has no
 * live key (a store that was never started, or damaged), so a running server keeps what it has.
 */
export async function readKeyMaterial(
  store: Store,
  now = Date.now(),
): Promise<KeyMaterial | undefined> {
  const col = await keysCollection(store);
  const signing = orderKeys(await col.list('kind', 'signing'), now);
  const cookie = orderKeys(await col.list('kind', 'cookie'), now);
  const hmac = orderKeys(await col.list('kind', 'hmac'), now);
  const signingKeys = signing.flatMap((k) => (k.jwk ? [k.jwk] : []));
  const cookieKeys = cookie.flatMap((k) => (k.secret ? [k.secret] : []));
  // The oldest HMAC key: it is never rotated, and a racing second one must not take over.
  const hmacSecret = hmac.at(-1)?.secret;
  const signs = (alg: string) => signing.some((k) => k.jwk?.alg === alg && isActivated(k, now));
  const cookieSigns = cookie.some((k) => k.secret && isActivated(k, now));
  if (!SIGNING_ALGORITHMS.every(signs) || !cookieSigns || !hmacSecret) return undefined;
  const version = createHash('sha256')
    .update(
      JSON.stringify(
        [signing, cookie, hmac].map((keys) => keys.map((k) => [k.id, isActivated(k, now)])),
      ),
    )
    .digest('base64url')
    .slice(0, 16);
  return { signingKeys, cookieKeys, hmacSecret, version };
}
