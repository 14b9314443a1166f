import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

/** Decodes a JWT's payload without checking it. */
export function jwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * Verifies a JWT's signature against the issuer's JWKS (RS256/ES256) and returns its payload.
 * openid-client does not check the signature of an ID token it got from the token endpoint
 * (TLS vouches for it), so tests that promise a verified ID token check it here.
 */
export async function verifyJwt(issuer: string, jwt: string): Promise<Record<string, unknown>> {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as {
    alg: string;
    kid: string;
  };
  const { keys } = (await (await fetch(`${issuer}/jwks`)).json()) as {
    keys: (JsonWebKey & { kid: string })[];
  };
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid} in JWKS`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const ok =
    header.alg === 'RS256'
      ? verify('RSA-SHA256', data, key, signature)
      : header.alg === 'ES256'
        ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        : false;
  if (!ok) throw new Error(`bad signature (${header.alg})`);
  return jwtPayload(jwt);
}
