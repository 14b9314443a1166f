/**
 * `POST /auth` (OIDC Core §3.1.2.1) is accepted without loosening the session cookie: a
 * cross-site POST carries no `SameSite=Lax` cookie, so the person signs in again, and
 * `prompt=none` by POST answers `login_required`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { continueToCallback, signIn } from '../support/passkeyFlows.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

/** POSTs the authorization request `url` as a form, the way an auto-submitting page would. */
function postAuth(agent: HttpAgent, url: URL, extra: Record<string, string> = {}) {
  const body = new URLSearchParams(url.searchParams);
  for (const [k, v] of Object.entries(extra)) body.set(k, v);
  return agent.request('/auth', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'https://app.example',
      'Sec-Fetch-Site': 'cross-site',
    },
    body: body.toString(),
  });
}

describe('POST /auth', () => {
  test('a cross-site POST (no session cookie) leads to the sign-in page, and on to a code', async () => {
    const signedIn = await c.login();
    // A browser sends no SameSite=Lax cookie on a cross-site POST: a fresh jar with the same
    // person's passkey is exactly what Sesame sees.
    expect(await signedIn.agent.jar.getCookies(c.sesame.issuer)).not.toHaveLength(0);
    const agent = createHttpAgent(c.sesame.issuer);
    const res = await postAuth(agent, await c.rp.authorizationUrl({ state: 'posted' }));
    expect(res.status).toBe(303);
    const landed = await c.land(agent, new URL(res.headers.get('location')!, c.sesame.issuer));
    expect(landed.html).toContain('Sign in');
    const uid = landed.url.pathname.split('/')[2]!;
    const result = await signIn({ agent, uid, authenticator: c.person.authenticator });
    const done = await continueToCallback(agent, result.body.redirectTo!, c.callback.redirectUri);
    expect(done.callback.searchParams.get('state')).toBe('posted');
    const tokens = await c.rp.exchange(done.callback);
    expect(tokens.claims()!.sub).toBe(c.person.sub);
  });

  test('prompt=none by POST answers login_required to the app, with state', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const res = await postAuth(agent, await c.rp.authorizationUrl({ prompt: 'none', state: 'pn' }));
    const landed = await c.land(agent, new URL(res.headers.get('location')!, c.sesame.issuer));
    expect(landed.url.href.startsWith(c.callback.redirectUri)).toBe(true);
    expect(landed.url.searchParams.get('error')).toBe('login_required');
    expect(landed.url.searchParams.get('state')).toBe('pn');
  });

  test('a repeated parameter in the POSTed body is refused as with GET', async () => {
    const url = await c.rp.authorizationUrl({ state: 'dup' });
    const agent = createHttpAgent(c.sesame.issuer);
    const res = await agent.request('/auth', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${url.searchParams.toString()}&scope=openid`,
    });
    const landed = await c.land(agent, new URL(res.headers.get('location')!, c.sesame.issuer));
    expect(landed.url.searchParams.get('error')).toBe('invalid_request');
    expect(landed.url.searchParams.get('error_description')).toMatch(/scope/);
    expect(landed.url.searchParams.get('code')).toBeNull();
  });

  test('an oversized POSTed request is 413, another content type 415', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const url = await c.rp.authorizationUrl();
    const big = await postAuth(agent, url, { login_hint: 'x'.repeat(64 * 1024) });
    expect(big.status).toBe(413);
    const json = await agent.request('/auth', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(Object.fromEntries(url.searchParams)),
    });
    expect(json.status).toBe(415);
  });
});
