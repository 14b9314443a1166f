import { basicAuth, expectStatus, type Target, type TokenSet } from './flows.js';
import type { VirtualUser } from './seedStore.js';

/** Uses the user's refresh token once and keeps the rotated one. */
export async function refresh(target: Target, user: VirtualUser): Promise<void> {
  if (!user.refreshToken) throw new Error('refresh: the user has no refresh token');
  const res = await target.http.request(
    'POST',
    target.endpoints.token,
    {
      authorization: basicAuth(target.client),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: user.refreshToken,
    }).toString(),
  );
  expectStatus('refresh', res, 200);
  const tokens = JSON.parse(res.body) as TokenSet;
  if (!tokens.refresh_token || tokens.refresh_token === user.refreshToken) {
    throw new Error('refresh: the refresh token was not rotated');
  }
  user.refreshToken = tokens.refresh_token;
}

/** Introspects the user's access token as the client (RFC 7662). */
export async function introspect(target: Target, user: VirtualUser): Promise<void> {
  if (!user.accessToken) throw new Error('introspect: the user has no access token');
  const res = await target.http.request(
    'POST',
    target.endpoints.introspection,
    {
      authorization: basicAuth(target.client),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    new URLSearchParams({ token: user.accessToken }).toString(),
  );
  expectStatus('introspection', res, 200);
  if ((JSON.parse(res.body) as { active?: boolean }).active !== true) {
    throw new Error('introspection: token not active');
  }
}

/** Fetches the discovery document (even operations) or the JWKS (odd ones). */
export async function discoveryOrJwks(target: Target, n: number): Promise<void> {
  const path = n % 2 === 0 ? target.endpoints.discovery : target.endpoints.jwks;
  const res = await target.http.request('GET', path, { accept: 'application/json' });
  expectStatus(n % 2 === 0 ? 'discovery' : 'jwks', res, 200);
}
