import { generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import { DuplicateKeyError, type Doc, type Store } from '../store/collection.js';

/** A stored key: a private signing JWK or a cookie-signing secret. */
export interface StoredKey extends Doc {
  kind: 'signing' | 'cookie';
  createdAt: number;
  /** Signing keys: the private JWK (with `kid`, `alg`, `use`). */
  jwk?: JsonWebKey & { kid: string; alg: string; use: 'sig' };
  /** Cookie keys: a random secret. */
  secret?: string;
}

/** The keys the provider needs: private signing JWKs (newest first) and cookie keys. */
export interface KeyMaterial {
  signingKeys: NonNullable<StoredKey['jwk']>[];
  cookieKeys: string[];
}

/**
 * Loads signing and cookie keys from the store, generating them on first start. Instances that
 * start together agree: each initial key has a fixed id, so only the first insert wins and
 * everyone reads the winner.
 */
export async function loadKeyMaterial(store: Store): Promise<KeyMaterial> {
  const col = await store.collection<StoredKey>({ name: 'keys', indexed: ['kind'] });
  const ensure = async (id: string, make: () => StoredKey) => {
    if (await col.get(id)) return;
    try {
      await col.insert(make());
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  };
  await ensure('signing-initial-RS256', () => signingKey('signing-initial-RS256', 'RS256'));
  await ensure('signing-initial-ES256', () => signingKey('signing-initial-ES256', 'ES256'));
  await ensure('cookie-initial', () => ({
    id: 'cookie-initial',
    kind: 'cookie',
    createdAt: Date.now(),
    secret: randomBytes(32).toString('base64url'),
  }));
  const newestFirst = (a: StoredKey, b: StoredKey) => b.createdAt - a.createdAt;
  const signing = (await col.list('kind', 'signing')).sort(newestFirst);
  const cookie = (await col.list('kind', 'cookie')).sort(newestFirst);
  return {
    signingKeys: signing.flatMap((k) => (k.jwk ? [k.jwk] : [])),
    cookieKeys: cookie.flatMap((k) => (k.secret ? [k.secret] : [])),
  };
}

function signingKey(id: string, alg: 'RS256' | 'ES256'): StoredKey {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomBytes(12).toString('base64url');
  return {
    id,
    kind: 'signing',
    createdAt: Date.now(),
    jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}
