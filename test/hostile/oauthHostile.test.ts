/** Hostile OAuth/OIDC requests: each must be refused without handing anything to an attacker. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHttpAgent } from '../support/httpAgent.js';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

function authUrl(params: Record<string, string>): URL {
  const url = new URL('/auth', c.sesame.issuer);
  const all = {
    client_id: c.clientId,
    response_type: 'code',
    scope: 'openid',
    state: 'st',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return url;
}

describe('redirect_uri tricks are shown as an error page, never redirected to', () => {
  const registered = () => c.callback.redirectUri; // http://127.0.0.1:PORT/callback
  test.each([
    ['javascript: scheme', () => 'javascript:alert(document.domain)'],
    ['data: scheme', () => 'data:text/html,<script>alert(1)</script>'],
    ['protocol-relative //evil', () => '//evil.example/callback'],
    ['added query', () => `${registered()}?next=https://evil.example`],
    ['different case in the path', () => registered().replace('/callback', '/CALLBACK')],
    ['trailing slash', () => `${registered()}/`],
    ['userinfo in the authority', () => registered().replace('http://', 'http://evil.example@')],
    [
      'another port',
      () => registered().replace(/:(\d+)\//, (_m, p: string) => `:${Number(p) + 1}/`),
    ],
    ['fragment', () => `${registered()}#x`],
    ['encoded path traversal', () => `${registered()}/..%2fevil`],
  ])('%s', async (_name, uri) => {
    const res = await createHttpAgent(c.sesame.issuer).request(authUrl({ redirect_uri: uri() }));
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)</script>');
  });
});

describe('clients and PKCE', () => {
  test('an unknown client_id is an error page', async () => {
    const res = await createHttpAgent(c.sesame.issuer).request(
      authUrl({ client_id: 'nobody', redirect_uri: c.callback.redirectUri }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('not registered');
  });

  test('response_type other than code is refused back to the client', async () => {
    const landed = await c.land(
      createHttpAgent(c.sesame.issuer),
      authUrl({ redirect_uri: c.callback.redirectUri, response_type: 'id_token', nonce: 'n' }),
    );
    // An implicit-style response_type defaults to the fragment response mode.
    const params = new URLSearchParams(landed.url.hash.slice(1) || landed.url.search);
    expect(params.get('error')).toBe('unsupported_response_type');
    expect(params.get('state')).toBe('st');
    expect(params.get('id_token')).toBeNull();
  });

  test('PKCE downgrade: a code issued with a challenge cannot be redeemed without the verifier, or with a wrong one', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    await c.login({}, agent);
    for (const verifier of [undefined, 'x'.repeat(43)]) {
      const landed = await c.land(agent, authUrl({ redirect_uri: c.callback.redirectUri }));
      const code = landed.url.searchParams.get('code')!;
      const body: Record<string, string> = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: c.callback.redirectUri,
      };
      if (verifier) body.code_verifier = verifier;
      const res = await c.token(body);
      expect(res.status).toBe(400);
      expect(res.json.error).toBe('invalid_grant');
    }
    const landed = await c.land(agent, authUrl({ redirect_uri: c.callback.redirectUri }));
    const ok = await c.token({
      grant_type: 'authorization_code',
      code: landed.url.searchParams.get('code')!,
      redirect_uri: c.callback.redirectUri,
      code_verifier: VERIFIER,
    });
    expect(ok.status).toBe(200);
  });

  test('a code is bound to its client: another client cannot redeem it', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    await c.login({}, agent);
    const other = await c.sesame.registerClient({
      name: 'Other',
      redirectUris: [c.callback.redirectUri],
    });
    const landed = await c.land(agent, authUrl({ redirect_uri: c.callback.redirectUri }));
    const res = await c.token(
      {
        grant_type: 'authorization_code',
        code: landed.url.searchParams.get('code')!,
        redirect_uri: c.callback.redirectUri,
        code_verifier: VERIFIER,
      },
      { id: other.client_id, secret: other.client_secret! },
    );
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_grant');
  });

  test('a wrong client secret is invalid_client (401)', async () => {
    const res = await c.token(
      { grant_type: 'authorization_code', code: 'x', redirect_uri: c.callback.redirectUri },
      { id: c.clientId, secret: 'wrong' },
    );
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
  });

  test('id_token_hint signed with alg none, or by another issuer, is refused', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    await c.login({}, agent);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: c.sesame.issuer,
      sub: c.person.sub,
      aud: c.clientId,
      iat: now,
      exp: now + 600,
    };
    const none = `${enc({ alg: 'none' })}.${enc(claims)}.`;
    const foreign = `${enc({ alg: 'HS256' })}.${enc({ ...claims, iss: 'https://evil.example' })}.${enc({ sig: 1 })}`;
    for (const hint of [none, foreign]) {
      const landed = await c.land(
        agent,
        authUrl({ redirect_uri: c.callback.redirectUri, prompt: 'none', id_token_hint: hint }),
      );
      expect(landed.url.searchParams.get('code')).toBeNull();
      expect(landed.url.searchParams.get('error')).toBeTruthy();
    }
  });

  test('state and nonce come back exactly as sent, including characters that need encoding', async () => {
    const state = 'a b&c=d<e>"\'';
    const { callback } = await c.login({ state });
    expect(callback.searchParams.get('state')).toBe(state);
  });
});
