import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { StoredKey } from './storedKey.js';

/** The signing algorithms Sesame keeps a key for; clients choose one with `id_token_signed_response_alg`. */
export const SIGNING_ALGORITHMS = ['RS256', 'ES256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A new private signing key as a stored document (random `kid`). */
export function newSigningKey(
  alg: SigningAlgorithm,
  options: { id?: string; now?: number; activatesAt?: number } = {},
): StoredKey {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomBytes(12).toString('base64url');
  return {
    id: options.id ?? `signing-${alg}-${kid}`,
    kind: 'signing',
    createdAt: options.now ?? Date.now(),
    ...(options.activatesAt !== undefined ? { activatesAt: options.activatesAt } : {}),
    jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}

/** A new random 256-bit secret (cookie signing or HMAC) as a stored document. */
export function newSecretKey(
  kind: 'cookie' | 'hmac',
  options: { id?: string; now?: number; activatesAt?: number; secret?: string } = {},
): StoredKey {
  return {
    id: options.id ?? `${kind}-${randomBytes(9).toString('base64url')}`,
    kind,
    createdAt: options.now ?? Date.now(),
    ...(options.activatesAt !== undefined ? { activatesAt: options.activatesAt } : {}),
    secret: options.secret ?? randomBytes(32).toString('base64url'),
  };
}
