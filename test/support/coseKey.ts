import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { encodeCbor } from './cbor.js';

/**
 * Signature algorithms the software authenticator can hold. ES384 is extra: Sesame does not
 * accept it, which makes it handy for "unsupported algorithm" tests.
 */
export type SoftAlgorithm = 'ES256' | 'EdDSA' | 'RS256' | 'ES384';

/** COSE algorithm identifiers (IANA "COSE Algorithms") for each {@link SoftAlgorithm}. */
export const COSE_ALGORITHM: Readonly<Record<SoftAlgorithm, number>> = {
  ES256: -7,
  EdDSA: -8,
  RS256: -257,
  ES384: -35,
};

/** The {@link SoftAlgorithm} for a COSE algorithm identifier, or undefined if unknown. */
export function algorithmFromCose(id: number): SoftAlgorithm | undefined {
  return (Object.keys(COSE_ALGORITHM) as SoftAlgorithm[]).find((a) => COSE_ALGORITHM[a] === id);
}

/** Generates a fresh private key for the algorithm (P-256, Ed25519, RSA-2048 or P-384). */
export function generatePrivateKey(algorithm: SoftAlgorithm): KeyObject {
  switch (algorithm) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ES384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
        .privateKey;
  }
}

/**
 * Encodes the public half of a key as a COSE_Key (RFC 9053), labels in CTAP2 canonical order,
 * as it appears in attested credential data.
 */
export function cosePublicKey(algorithm: SoftAlgorithm, privateKey: KeyObject): Uint8Array {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const bytes = (b64url: string | undefined): Uint8Array => {
    if (!b64url) throw new Error(`public key of ${algorithm} is missing a JWK member`);
    return new Uint8Array(Buffer.from(b64url, 'base64url'));
  };
  const alg = COSE_ALGORITHM[algorithm];
  switch (algorithm) {
    case 'ES256':
    case 'ES384':
      // kty: EC2 (2), crv: P-256 (1) or P-384 (2)
      return encodeCbor(
        new Map<number, number | Uint8Array>([
          [1, 2],
          [3, alg],
          [-1, algorithm === 'ES256' ? 1 : 2],
          [-2, bytes(jwk.x)],
          [-3, bytes(jwk.y)],
        ]),
      );
    case 'EdDSA':
      // kty: OKP (1), crv: Ed25519 (6)
      return encodeCbor(
        new Map<number, number | Uint8Array>([
          [1, 1],
          [3, alg],
          [-1, 6],
          [-2, bytes(jwk.x)],
        ]),
      );
    case 'RS256':
      // kty: RSA (3), n, e
      return encodeCbor(
        new Map<number, number | Uint8Array>([
          [1, 3],
          [3, alg],
          [-1, bytes(jwk.n)],
          [-2, bytes(jwk.e)],
        ]),
      );
  }
}

/** The public key as DER SubjectPublicKeyInfo, what `AuthenticatorAttestationResponse.getPublicKey()` returns. */
export function spkiPublicKey(privateKey: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
}

/** Signs data the way an authenticator does: ECDSA as DER, Ed25519 raw, RSA PKCS#1 v1.5. */
export function signData(
  algorithm: SoftAlgorithm,
  privateKey: KeyObject,
  data: Uint8Array,
): Uint8Array {
  const hash = algorithm === 'EdDSA' ? null : algorithm === 'ES384' ? 'sha384' : 'sha256';
  return new Uint8Array(sign(hash, data, privateKey));
}
