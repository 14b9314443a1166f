import type { JsonWebKey } from 'node:crypto';
import type { Doc } from '../store/collection.js';

/**
 * A stored key: a private signing JWK, a cookie-signing secret, or the HMAC secret of CSRF
 * tokens, sign-up code hashes and fake credential lists. A key whose `activatesAt` lies ahead
 * is published (JWKS) and accepted (cookies) but not yet used to sign; a superseded key gets
 * an `expiresAt` after which the store forgets it (see rotateKeys).
 */
export interface StoredKey extends Doc {
  kind: 'signing' | 'cookie' | 'hmac';
  createdAt: number;
  /** Epoch ms from which the key signs; absent: from creation. */
  activatesAt?: number;
  /** Signing keys: the private JWK (with `kid`, `alg`, `use`). */
  jwk?: JsonWebKey & { kid: string; alg: string; use: 'sig' };
  /** Cookie and HMAC keys: a random secret. */
  secret?: string;
}
