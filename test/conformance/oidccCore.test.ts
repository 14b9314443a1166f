/**
 * Our reproduction of the OpenID Foundation conformance modules (Basic OP profile) that apply
 * to Sesame, one named test each, against the real server with a passkey sign-in done by the
 * software authenticator. See docs/CONFORMANCE.md.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHttpAgent } from '../support/httpAgent.js';
import {
  codeGrantBody,
  startConformance,
  verifyJwt,
  jwtPayload,
  type Conformance,
} from './conformanceFixture.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

/** A plain authorization URL (no openid-client), for the cases a library would not send. */
function authUrl(params: Record<string, string>): URL {
  const url = new URL('/auth', c.sesame.issuer);
  for (const [k, v] of Object.entries({
    client_id: c.clientId,
    response_type: 'code',
    scope: 'openid',
    ...params,
  })) {
    url.searchParams.set(k, v);
  }
  return url;
}

describe('OIDC conformance (Basic OP)', () => {
  test('oidcc-server: code flow yields a valid ID token and access token', async () => {
    const { callback } = await c.login();
    expect(callback.searchParams.get('iss')).toBe(c.sesame.issuer);
    const tokens = await c.rp.exchange(callback);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(c.sesame.issuer);
    expect(claims.aud).toBe(c.clientId);
    expect(claims.sub).toBe(c.person.sub);
    expect(typeof claims.auth_time).toBe('number');
    expect(claims.exp).toBeGreaterThan(claims.iat);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    await verifyJwt(c.sesame.issuer, tokens.id_token!);
  });

  test('oidcc-discovery-endpoint-verification: metadata is complete and advertises exactly what works', async () => {
    const res = await fetch(`${c.sesame.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as Record<string, unknown>;
    expect(d.issuer).toBe(c.sesame.issuer);
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'jwks_uri',
      'end_session_endpoint',
      'revocation_endpoint',
      'introspection_endpoint',
    ]) {
      expect(String(d[key])).toMatch(new RegExp(`^${c.sesame.issuer}/`));
    }
    expect(d.response_types_supported).toEqual(['code']);
    expect(d.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.subject_types_supported).toEqual(['public']);
    expect(d.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'email', 'profile', 'offline_access']),
    );
    expect(d.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'email', 'email_verified', 'name', 'acr', 'amr', 'auth_time']),
    );
    expect(d.acr_values_supported).toEqual(['phr', 'phrh']);
    expect(d.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);
    expect(d.backchannel_logout_supported).toBe(true);
    expect(d.backchannel_logout_session_supported).toBe(true);
    expect(d.request_parameter_supported ?? false).toBe(false);
    const jwks = (await (await fetch(String(d.jwks_uri))).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(key).not.toHaveProperty(secret);
      expect(key.kid).toBeTruthy();
    }
  });

  describe('userinfo', () => {
    let accessToken: string;
    beforeAll(async () => {
      accessToken = (await c.rp.exchange((await c.login()).callback)).access_token;
    });
    const expectUserinfo = async (res: Response) => {
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        sub: c.person.sub,
        email: c.person.email,
        email_verified: true,
        name: 'Conny Formance',
      });
    };
    test('oidcc-userinfo-get: GET with a bearer header', async () => {
      await expectUserinfo(
        await fetch(`${c.sesame.issuer}/me`, {
          headers: { Authorization: `Bearer ${accessToken}` },
        }),
      );
    });
    test('oidcc-userinfo-post-header: POST with a bearer header', async () => {
      await expectUserinfo(
        await fetch(`${c.sesame.issuer}/me`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${accessToken}` },
        }),
      );
    });
    test('oidcc-userinfo-post-body: POST with the token in a form body', async () => {
      await expectUserinfo(
        await fetch(`${c.sesame.issuer}/me`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ access_token: accessToken }).toString(),
        }),
      );
    });
    test('userinfo refuses a missing or forged token with 401', async () => {
      expect((await fetch(`${c.sesame.issuer}/me`)).status).toBe(401);
      expect(
        (await fetch(`${c.sesame.issuer}/me`, { headers: { Authorization: 'Bearer forged' } }))
          .status,
      ).toBe(401);
    });
  });

  test('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    await c.login({}, agent); // establishes the session
    const landed = await c.land(
      agent,
      authUrl({
        redirect_uri: c.callback.redirectUri,
        state: 'no-nonce',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }),
    );
    const code = landed.url.searchParams.get('code')!;
    expect(code).toBeTruthy();
    const token = await c.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: c.callback.redirectUri,
      code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    });
    expect(token.status).toBe(200);
    expect(jwtPayload(String(token.json.id_token))).not.toHaveProperty('nonce');
  });

  test.each([
    ['oidcc-scope-profile', 'openid profile', ['name'], ['email']],
    ['oidcc-scope-email', 'openid email', ['email', 'email_verified'], ['name']],
    ['oidcc-scope-all', 'openid profile email', ['name', 'email', 'email_verified'], []],
    ['oidcc-ensure-other-scope-order-succeeds', 'email openid', ['email'], ['name']],
  ])('%s', async (_name, scope, present, absent) => {
    const tokens = await c.rp.exchange((await c.login({ scope })).callback);
    const info = (await c.rp.userinfo(tokens.access_token, c.person.sub)) as Record<
      string,
      unknown
    >;
    for (const claim of present) expect(info).toHaveProperty(claim);
    for (const claim of absent) expect(info).not.toHaveProperty(claim);
  });

  test('oidcc-codereuse: a second use of a code fails and revokes the tokens issued with it', async () => {
    const body = codeGrantBody(c, (await c.login()).callback);
    const first = await c.token(body);
    expect(first.status).toBe(200);
    const accessToken = String(first.json.access_token);
    expect(
      (
        await fetch(`${c.sesame.issuer}/me`, {
          headers: { Authorization: `Bearer ${accessToken}` },
        })
      ).status,
    ).toBe(200);
    const second = await c.token(body);
    expect(second.status).toBe(400);
    expect(second.json.error).toBe('invalid_grant');
    expect(
      (
        await fetch(`${c.sesame.issuer}/me`, {
          headers: { Authorization: `Bearer ${accessToken}` },
        })
      ).status,
    ).toBe(401);
  });

  test('concurrent redemption of one code: exactly one succeeds', async () => {
    const body = codeGrantBody(c, (await c.login()).callback);
    const results = await Promise.all([c.token(body), c.token(body), c.token(body)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });

  test('oidcc-ensure-registered-redirect-uri: an unregistered redirect_uri is shown as an error, never redirected to', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const res = await agent.request(
      authUrl({ redirect_uri: 'https://evil.example/cb', state: 's' }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('not registered');
  });

  test('oidcc-ensure-redirect-uri-in-authorization-request: a request without redirect_uri is refused on a page', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const res = await agent.request(authUrl({ state: 's' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  describe('redirect URIs with a query', () => {
    let withQuery: { client_id: string; client_secret?: string };
    const registered = () => `${c.callback.redirectUri}?foo=bar`;
    beforeAll(async () => {
      withQuery = await c.sesame.registerClient({
        name: 'Query RP',
        redirectUris: [registered()],
        firstParty: true,
      });
    });
    const url = (redirectUri: string) =>
      authUrl({
        client_id: withQuery.client_id,
        redirect_uri: redirectUri,
        state: 'q',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });

    test('oidcc-redirect-uri-query-OK: the registered query is kept and the code added', async () => {
      const agent = createHttpAgent(c.sesame.issuer);
      await c.login({}, agent);
      const landed = await c.land(agent, url(registered()));
      expect(landed.url.searchParams.get('foo')).toBe('bar');
      expect(landed.url.searchParams.get('code')).toBeTruthy();
      expect(landed.url.searchParams.get('state')).toBe('q');
    });
    test('oidcc-redirect-uri-query-mismatch: a different query value is refused on a page', async () => {
      const res = await createHttpAgent(c.sesame.issuer).request(
        url(`${c.callback.redirectUri}?foo=zot`),
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });
    test('oidcc-redirect-uri-query-added: an added query is refused on a page', async () => {
      const res = await createHttpAgent(c.sesame.issuer).request(
        authUrl({ redirect_uri: `${c.callback.redirectUri}?foo=bar`, state: 's' }),
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });
  });

  test('oidcc-prompt-none-not-logged-in: login_required comes back to the client with state, no page shown', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const landed = await c.land(
      agent,
      await c.rp.authorizationUrl({ prompt: 'none', state: 'pn1' }),
    );
    expect(landed.url.href.startsWith(c.callback.redirectUri)).toBe(true);
    expect(landed.url.searchParams.get('error')).toBe('login_required');
    expect(landed.url.searchParams.get('state')).toBe('pn1');
  });

  test('oidcc-prompt-none-logged-in: a signed-in person with consent gets a code without any page', async () => {
    const { agent } = await c.login();
    const landed = await c.land(agent, await c.rp.authorizationUrl({ prompt: 'none' }));
    expect(landed.url.searchParams.get('code')).toBeTruthy();
    const tokens = await c.rp.exchange(landed.url);
    expect(tokens.claims()!.sub).toBe(c.person.sub);
  });

  test('prompt=none without consent answers consent_required', async () => {
    const other = await c.sesame.registerClient({
      name: 'Never Consented',
      redirectUris: [c.callback.redirectUri],
    });
    const { agent } = await c.login();
    const landed = await c.land(
      agent,
      authUrl({
        client_id: other.client_id,
        redirect_uri: c.callback.redirectUri,
        prompt: 'none',
        state: 'cr',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }),
    );
    expect(landed.url.searchParams.get('error')).toBe('consent_required');
    expect(landed.url.searchParams.get('state')).toBe('cr');
  });

  test('oidcc-prompt-login: the sign-in page is shown again and auth_time moves forward', async () => {
    const { agent, callback } = await c.login();
    const before = (await c.rp.exchange(callback)).claims()!.auth_time!;
    await new Promise((r) => setTimeout(r, 1100));
    const landed = await c.land(agent, await c.rp.authorizationUrl({ prompt: 'login' }));
    expect(landed.html).toContain('<h1>Sign in</h1>');
    const { callback: again } = await c.login({ prompt: 'login' }, agent);
    expect((await c.rp.exchange(again)).claims()!.auth_time!).toBeGreaterThan(before);
  });

  test('oidcc-max-age-1: after more than a second, max_age=1 demands a new sign-in', async () => {
    const { agent } = await c.login();
    await new Promise((r) => setTimeout(r, 2100));
    const landed = await c.land(agent, await c.rp.authorizationUrl({ max_age: '1' }));
    expect(landed.html).toContain('<h1>Sign in</h1>');
    const { callback } = await c.login({ max_age: '1' }, agent);
    const claims = (await c.rp.exchange(callback)).claims()!;
    expect(Math.abs(Date.now() / 1000 - claims.auth_time!)).toBeLessThan(30);
  });

  test('oidcc-max-age-10000: a recent sign-in is reused and auth_time is present', async () => {
    const { agent } = await c.login();
    const landed = await c.land(agent, await c.rp.authorizationUrl({ max_age: '10000' }));
    expect(landed.url.searchParams.get('code')).toBeTruthy();
    expect(typeof (await c.rp.exchange(landed.url)).claims()!.auth_time).toBe('number');
  });

  test('oidcc-id-token-hint: prompt=none with the ID token as hint returns a code for the same subject', async () => {
    const { agent, callback } = await c.login();
    const idToken = (await c.rp.exchange(callback)).id_token!;
    const landed = await c.land(
      agent,
      await c.rp.authorizationUrl({ prompt: 'none', id_token_hint: idToken }),
    );
    expect(landed.url.searchParams.get('code')).toBeTruthy();
    expect((await c.rp.exchange(landed.url)).claims()!.sub).toBe(c.person.sub);
  });

  test('oidcc-login-hint: the hint pre-fills the email on the sign-in page', async () => {
    const landed = await c.land(
      createHttpAgent(c.sesame.issuer),
      await c.rp.authorizationUrl({ login_hint: c.person.email }),
    );
    expect(landed.html).toContain(`value="${c.person.email}"`);
  });

  test('oidcc-ensure-post-request-succeeds: a POSTed authorization request signs in and yields a code', async () => {
    // Cross-site, the browser sends no SameSite=Lax session cookie, so the person signs in:
    // the form POST lands on the sign-in page, and the passkey sign-in reaches the callback.
    const agent = createHttpAgent(c.sesame.issuer);
    const url = await c.rp.authorizationUrl({ state: 'post' });
    const res = await agent.request('/auth', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: url.searchParams.toString(),
    });
    expect(res.status).toBe(303);
    const { callback } = await c.login(
      {},
      agent,
      new URL(res.headers.get('location')!, c.sesame.issuer),
    );
    expect(callback.searchParams.get('state')).toBe('post');
    const tokens = await c.rp.exchange(callback);
    expect(tokens.claims()!.sub).toBe(c.person.sub);
  });

  test('oidcc-response-type-missing: a request without response_type is answered with an error to the client, with state', async () => {
    const url = authUrl({ redirect_uri: c.callback.redirectUri, state: 'rtm', nonce: 'n' });
    url.searchParams.delete('response_type');
    const landed = await c.land(createHttpAgent(c.sesame.issuer), url);
    expect(landed.url.href.startsWith(c.callback.redirectUri)).toBe(true);
    expect(['invalid_request', 'unsupported_response_type']).toContain(
      landed.url.searchParams.get('error'),
    );
    expect(landed.url.searchParams.get('state')).toBe('rtm');
    expect(landed.url.searchParams.get('code')).toBeNull();
  });

  test('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported: rejected as unsupported', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        client_id: c.clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: c.callback.redirectUri,
        state: 'ro',
      }),
    ).toString('base64url');
    const landed = await c.land(
      createHttpAgent(c.sesame.issuer),
      authUrl({
        redirect_uri: c.callback.redirectUri,
        state: 'ro',
        request: `${header}.${payload}.`,
      }),
    );
    expect(landed.url.href.startsWith(c.callback.redirectUri)).toBe(true);
    expect(landed.url.searchParams.get('error')).toBe('request_not_supported');
    expect(landed.url.searchParams.get('state')).toBe('ro');
  });

  test('oidcc-claims-essential: a claim requested as essential via the claims parameter is returned', async () => {
    const claims = JSON.stringify({
      userinfo: { name: { essential: true } },
      id_token: { email: { essential: true } },
    });
    const tokens = await c.rp.exchange((await c.login({ scope: 'openid', claims })).callback);
    expect(tokens.claims()!.email).toBe(c.person.email);
    const info = (await c.rp.userinfo(tokens.access_token, c.person.sub)) as Record<
      string,
      unknown
    >;
    expect(info.name).toBe('Conny Formance');
  });

  test('advertised response_mode=form_post works under the CSP (its inline script is allowed by hash)', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    await c.login({}, agent);
    const url = await c.rp.authorizationUrl({ response_mode: 'form_post' });
    let res = await agent.request(url);
    while (res.status >= 300 && res.status < 400)
      res = await agent.request(new URL(res.headers.get('location')!, c.sesame.issuer));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`action="${c.callback.redirectUri}"`);
    expect(html).toMatch(/name="code" value="[^"]+"/);
    const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(script).digest('base64');
    expect(res.headers.get('content-security-policy')).toContain(`'sha256-${digest}'`);
  });

  test('advertised response_mode=fragment returns the code in the fragment', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    await c.login({}, agent);
    const landed = await c.land(agent, await c.rp.authorizationUrl({ response_mode: 'fragment' }));
    const params = new URLSearchParams(landed.url.hash.slice(1));
    expect(params.get('code')).toBeTruthy();
    expect(landed.url.searchParams.get('code')).toBeNull();
  });

  test('advertised pushed authorization requests (PAR) work', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    await c.login({}, agent);
    const url = await c.rp.authorizationUrl();
    const par = await fetch(`${c.sesame.issuer}/request`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
      },
      body: url.searchParams.toString(),
    });
    expect(par.status).toBe(201);
    const { request_uri } = (await par.json()) as { request_uri: string };
    const landed = await c.land(
      agent,
      `${c.sesame.issuer}/auth?client_id=${c.clientId}&request_uri=${encodeURIComponent(request_uri)}`,
    );
    expect(landed.url.searchParams.get('code')).toBeTruthy();
    await c.rp.exchange(landed.url);
  });

  test('acr_values=phrh with a device-bound passkey signs in with acr phrh (step-up)', async () => {
    const tokens = await c.rp.exchange(
      (await c.login({ acr_values: 'phrh', prompt: 'login' })).callback,
    );
    expect(tokens.claims()!.acr).toBe('phrh');
  });
});
