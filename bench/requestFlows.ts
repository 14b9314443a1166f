import type { BenchResponse } from './httpClient.js';
import { basicAuth, expectStatus, type Target, type TokenSet } from './flows.js';
import type { VirtualUser } from './seedStore.js';

/** POSTs a form to `path` as the confidential client (client_secret_basic). */
function postAsClient(
  target: Target,
  path: string,
  form: Record<string, string>,
): Promise<BenchResponse> {
  return target.http.request(
    'POST',
    path,
    {
      authorization: basicAuth(target.client),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    new URLSearchParams(form).toString(),
  );
}

/** Uses the user's refresh token once and keeps the rotated one. */
export async function refresh(target: Target, user: VirtualUser): Promise<void> {
  if (!user.refreshToken) throw new Error('refresh: the user has no refresh token');
  const res = await postAsClient(target, target.endpoints.token, {
    grant_type: 'refresh_token',
    refresh_token: user.refreshToken,
  });
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
  const res = await postAsClient(target, target.endpoints.introspection, {
    token: user.accessToken,
  });
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
