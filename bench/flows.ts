import { createHash, randomBytes } from 'node:crypto';
import { Browser, type BenchResponse, type HttpClient } from './httpClient.js';
import type { StepTimer } from './loadRunner.js';
import type { BenchClient, VirtualUser } from './seedStore.js';

/** The server under test, as the relying party and the browsers see it. */
export interface Target {
  http: HttpClient;
  issuer: string;
  client: BenchClient;
  endpoints: Endpoints;
}

/** Paths (on the issuer) of the endpoints the flows use, from discovery. */
export interface Endpoints {
  discovery: string;
  authorization: string;
  token: string;
  userinfo: string;
  introspection: string;
  jwks: string;
}

/** Tokens a code exchange or refresh returned. */
export interface TokenSet {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** Reads the discovery document and turns its endpoint URLs into paths. */
export async function discover(http: HttpClient): Promise<Endpoints> {
  const res = await http.request('GET', DISCOVERY_PATH, { accept: 'application/json' });
  expectStatus('discovery', res, 200);
  const meta = JSON.parse(res.body) as Record<string, string | undefined>;
  const pathOf = (key: string): string => {
    const value = meta[key];
    if (!value) throw new Error(`discovery has no ${key}`);
    const url = new URL(value);
    return url.pathname + url.search;
  };
  return {
    discovery: DISCOVERY_PATH,
    authorization: pathOf('authorization_endpoint'),
    token: pathOf('token_endpoint'),
    userinfo: pathOf('userinfo_endpoint'),
    introspection: pathOf('introspection_endpoint'),
    jwks: pathOf('jwks_uri'),
  };
}

/** Throws (failing the operation) unless the response has the expected status. */
export function expectStatus(step: string, res: BenchResponse, ...expected: number[]): void {
  if (!expected.includes(res.status)) {
    throw new Error(`${step}: HTTP ${res.status} ${res.body.slice(0, 160).replace(/\s+/g, ' ')}`);
  }
}

/** The `Authorization` header of client_secret_basic for `client`. */
export function basicAuth(client: BenchClient): string {
  const id = encodeURIComponent(client.clientId);
  const secret = encodeURIComponent(client.clientSecret);
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * One complete sign-in from a fresh browser, as a relying party and a person with a passkey
 * drive it: authorize → sign-in page → assertion options → signed assertion → (consent when
 * asked, e.g. `prompt=consent`) → callback with the code → code exchange (client_secret_basic,
 * PKCE S256) → userinfo. Every response is checked; any surprise throws.
 */
export async function signIn(
  target: Target,
  user: VirtualUser,
  step: StepTimer,
  request: { scope: string; prompt?: string; stopAtCallback?: boolean } = {
    scope: 'openid email profile',
  },
): Promise<TokenSet | undefined> {
  const { client, endpoints } = target;
  const browser = new Browser(target.http, target.issuer);
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const params = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: request.scope,
    state,
    nonce: b64url(randomBytes(16)),
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    ...(request.prompt ? { prompt: request.prompt } : {}),
  });

  const auth = await step('authorize', () =>
    browser.get(`${endpoints.authorization}?${params.toString()}`),
  );
  expectStatus('authorize', auth, 302, 303);
  const pagePath = localPath(target.issuer, auth.headers.location);
  const uid = /^\/interaction\/([^/?#]+)$/.exec(pagePath)?.[1];
  if (!uid) throw new Error(`authorize: redirected to ${pagePath}, not to a sign-in page`);

  const page = await step('sign-in page', () => browser.get(pagePath));
  expectStatus('sign-in page', page, 200);

  const options = await step('assertion options', () =>
    browser.postJson(`/interaction/${uid}/passkey/options`, {}),
  );
  expectStatus('assertion options', options, 200);
  const assertion = user.authenticator.getAssertion(JSON.parse(options.body));

  const verified = await step('assertion verify', () =>
    browser.postJson(`/interaction/${uid}/passkey/verify`, { response: assertion }),
  );
  expectStatus('assertion verify', verified, 200);
  const { redirectTo } = JSON.parse(verified.body) as { redirectTo?: string };
  if (!redirectTo) throw new Error('assertion verify: no redirectTo');

  const callback = await step('resume to callback', () =>
    followToCallback(target, browser, redirectTo),
  );
  if (callback.searchParams.get('state') !== state) throw new Error('callback: state mismatch');
  const code = callback.searchParams.get('code');
  if (!code) {
    throw new Error(`callback: no code (error ${callback.searchParams.get('error') ?? '?'})`);
  }
  if (request.stopAtCallback) return undefined;

  const tokenRes = await step('code exchange', () =>
    target.http.request(
      'POST',
      endpoints.token,
      {
        authorization: basicAuth(client),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
      }).toString(),
    ),
  );
  expectStatus('code exchange', tokenRes, 200);
  const tokens = JSON.parse(tokenRes.body) as TokenSet;
  if (!tokens.access_token || !tokens.id_token) throw new Error('code exchange: tokens missing');

  const info = await step('userinfo', () =>
    target.http.request('GET', endpoints.userinfo, {
      authorization: `Bearer ${tokens.access_token}`,
      accept: 'application/json',
    }),
  );
  expectStatus('userinfo', info, 200);
  if ((JSON.parse(info.body) as { sub?: string }).sub !== user.accountId) {
    throw new Error('userinfo: wrong sub');
  }
  return tokens;
}

/**
 * Follows the interaction's return URL through the provider's redirects to the client's
 * callback, answering a consent page with "Allow" if one is shown.
 */
async function followToCallback(target: Target, browser: Browser, start: string): Promise<URL> {
  let path = localPath(target.issuer, start);
  for (let hops = 0; hops < 6; hops++) {
    const res = await browser.get(path);
    const location = res.headers.location;
    if ((res.status === 302 || res.status === 303) && location) {
      const next = new URL(location, target.issuer);
      if (next.href.startsWith(target.client.redirectUri)) return next;
      path = localPath(target.issuer, location);
      continue;
    }
    expectStatus('resume to callback', res, 200);
    const uid = /^\/interaction\/([^/?#]+)$/.exec(path)?.[1];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (!uid || !csrf || !res.body.includes('name="decision"')) {
      throw new Error(`resume to callback: unexpected page at ${path}`);
    }
    const consent = await browser.postForm(`/interaction/${uid}/consent`, {
      decision: 'allow',
      _csrf: csrf,
    });
    expectStatus('consent', consent, 302, 303);
    path = localPath(target.issuer, consent.headers.location);
  }
  throw new Error('resume to callback: too many redirects');
}

/** The path (and query) of a URL that must point at the issuer itself. */
function localPath(issuer: string, location: string | undefined): string {
  if (!location) throw new Error('redirect without a Location');
  const url = new URL(location, issuer);
  if (url.origin !== new URL(issuer).origin) throw new Error(`unexpected redirect to ${url.href}`);
  return url.pathname + url.search;
}
