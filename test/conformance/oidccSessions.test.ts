/**
 * Conformance modules about refresh tokens, revocation, introspection and logout (RP-initiated
 * and back-channel), reproduced against the real server. See docs/CONFORMANCE.md.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { HttpAgent } from '../support/httpAgent.js';
import { rpFor } from '../support/relyingParty.js';
import { startConformance, jwtPayload, verifyJwt, type Conformance } from './conformanceFixture.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

const errorOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (err: { error?: string; cause?: { error?: string } }) =>
      err.error ?? err.cause?.error ?? String(err),
  );

const userinfoStatus = async (accessToken: string) =>
  (await fetch(`${c.sesame.issuer}/me`, { headers: { Authorization: `Bearer ${accessToken}` } }))
    .status;

describe('refresh tokens, revocation, introspection', () => {
  const offline = { scope: 'openid email offline_access', prompt: 'consent' };

  test('oidcc-refresh-token: offline_access (with consent) gives a refresh token, rotated on every use; reuse revokes the grant', async () => {
    const tokens = await c.rp.exchange((await c.login(offline)).callback);
    const rt0 = tokens.refresh_token!;
    expect(rt0).toBeTruthy();
    const r1 = await c.rp.refresh(rt0);
    expect(r1.refresh_token).toBeTruthy();
    expect(r1.refresh_token).not.toBe(rt0);
    expect(r1.claims()!.sub).toBe(c.person.sub);
    expect(await userinfoStatus(r1.access_token)).toBe(200);
    // Reusing the rotated token is theft or a bug: the whole grant goes.
    expect(await errorOf(c.rp.refresh(rt0))).toBe('invalid_grant');
    expect(await errorOf(c.rp.refresh(r1.refresh_token!))).toBe('invalid_grant');
    expect(await userinfoStatus(r1.access_token)).toBe(401);
  });

  test('no refresh token without offline_access, or without prompt=consent', async () => {
    expect((await c.rp.exchange((await c.login()).callback)).refresh_token).toBeUndefined();
    const noConsent = await c.rp.exchange(
      (await c.login({ scope: 'openid offline_access' })).callback,
    );
    expect(noConsent.refresh_token).toBeUndefined();
  });

  test('concurrent use of one refresh token: exactly one rotation succeeds', async () => {
    const rt = (await c.rp.exchange((await c.login(offline)).callback)).refresh_token!;
    const results = await Promise.all([0, 1, 2].map(() => errorOf(c.rp.refresh(rt))));
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
  });

  test('oidcc-refresh-token-rp-key-rotation: a re-configured RP (fresh discovery) keeps refreshing', async () => {
    // Sesame clients authenticate with secrets, not RP keys; this module reduces to refreshing
    // with a freshly discovered client configuration after the RP restarts.
    const rt = (await c.rp.exchange((await c.login(offline)).callback)).refresh_token!;
    const fresh = await rpFor(
      c.sesame.issuer,
      { client_id: c.clientId, client_secret: c.clientSecret },
      c.callback.redirectUri,
    );
    const refreshed = await fresh.refresh(rt);
    expect(refreshed.claims()!.sub).toBe(c.person.sub);
  });

  test('revocation (RFC 7009): a revoked access token stops working; a revoked refresh token cannot refresh', async () => {
    const tokens = await c.rp.exchange((await c.login(offline)).callback);
    await c.rp.revoke(tokens.access_token, 'access_token');
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
    await c.rp.revoke(tokens.refresh_token!, 'refresh_token');
    expect(await errorOf(c.rp.refresh(tokens.refresh_token!))).toBe('invalid_grant');
  });

  test('introspection (RFC 7662): active tokens describe themselves to their confidential client; revoked ones are inactive', async () => {
    const tokens = await c.rp.exchange((await c.login()).callback);
    const active = await c.rp.introspect(tokens.access_token);
    expect(active).toMatchObject({ active: true, sub: c.person.sub, client_id: c.clientId });
    await c.rp.revoke(tokens.access_token);
    expect((await c.rp.introspect(tokens.access_token)).active).toBe(false);
  });

  test('introspection is refused to public clients', async () => {
    const tokens = await c.rp.exchange((await c.login()).callback);
    const pub = await c.sesame.registerClient({
      name: 'Public',
      redirectUris: [c.callback.redirectUri],
      public: true,
    });
    const res = await fetch(`${c.sesame.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.access_token,
        client_id: pub.client_id,
      }).toString(),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.active === true).toBe(false);
    expect(body).not.toHaveProperty('sub');
  });
});

describe('RP-initiated logout', () => {
  /** Opens the end-session URL; returns the confirmation page's form values. */
  async function openLogout(agent: HttpAgent, params: Record<string, string>) {
    const url = new URL('/session/end', c.sesame.issuer);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await agent.request(url);
    const html = await res.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"/.exec(html)?.[1];
    return { status: res.status, html, xsrf, action, location: res.headers.get('location') };
  }

  /** Confirms "Sign out" on the confirmation page. */
  async function confirm(agent: HttpAgent, page: { xsrf?: string; action?: string }) {
    return agent.postForm(page.action!, { xsrf: page.xsrf!, logout: 'yes' });
  }

  const signedIn = async () => {
    const { agent, callback } = await c.login();
    const tokens = await c.rp.exchange(callback);
    return { agent, idToken: tokens.id_token!, sid: String(tokens.claims()!.sid) };
  };

  const stillSignedIn = async (agent: HttpAgent) => {
    const landed = await c.land(agent, await c.rp.authorizationUrl({ prompt: 'none' }));
    return landed.url.searchParams.get('code') !== null;
  };

  test('oidcc-rp-initiated-logout: confirm page, then back to the registered URI with state; the session is over', async () => {
    const { agent, idToken } = await signedIn();
    const page = await openLogout(agent, {
      id_token_hint: idToken,
      post_logout_redirect_uri: c.callback.postLogoutRedirectUri,
      state: 'bye',
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Sign out</h1>');
    const res = await confirm(agent, page);
    expect(res.status).toBe(303);
    const to = new URL(res.headers.get('location')!);
    expect(to.href.startsWith(c.callback.postLogoutRedirectUri)).toBe(true);
    expect(to.searchParams.get('state')).toBe('bye');
    expect(await stillSignedIn(agent)).toBe(false);
  });

  test('oidcc-rp-initiated-logout-bad-id-token-hint: a tampered hint is refused on a page', async () => {
    const { agent, idToken } = await signedIn();
    const [h, p] = idToken.split('.');
    const forged = `${h}.${p}.${Buffer.from('not-a-signature').toString('base64url')}`;
    const page = await openLogout(agent, {
      id_token_hint: forged,
      post_logout_redirect_uri: c.callback.postLogoutRedirectUri,
      state: 's',
    });
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(await stillSignedIn(agent)).toBe(true);
  });

  test('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri: an unregistered URI is refused on a page', async () => {
    const { agent, idToken } = await signedIn();
    const page = await openLogout(agent, {
      id_token_hint: idToken,
      post_logout_redirect_uri: 'https://evil.example/bye',
    });
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
  });

  test('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: an added query is refused', async () => {
    const { agent, idToken } = await signedIn();
    const page = await openLogout(agent, {
      id_token_hint: idToken,
      post_logout_redirect_uri: `${c.callback.postLogoutRedirectUri}?extra=1`,
    });
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
  });

  test('oidcc-rp-initiated-logout-no-params: a bare request asks, then shows the signed-out page', async () => {
    const { agent } = await signedIn();
    const page = await openLogout(agent, {});
    expect(page.status).toBe(200);
    const res = await confirm(agent, page);
    const done = await agent.follow(new URL(res.headers.get('location')!, c.sesame.issuer));
    expect(await done.response.text()).toContain('You are signed out');
    expect(await stillSignedIn(agent)).toBe(false);
  });

  test('oidcc-rp-initiated-logout-no-post-logout-redirect-uri: with only a hint, ends on the signed-out page', async () => {
    const { agent, idToken } = await signedIn();
    const page = await openLogout(agent, { id_token_hint: idToken });
    const res = await confirm(agent, page);
    const done = await agent.follow(new URL(res.headers.get('location')!, c.sesame.issuer));
    expect(done.url.origin).toBe(c.sesame.issuer);
    expect(await done.response.text()).toContain('You are signed out');
  });

  test('oidcc-rp-initiated-logout-no-state: redirected back without a state parameter', async () => {
    const { agent, idToken } = await signedIn();
    const page = await openLogout(agent, {
      id_token_hint: idToken,
      post_logout_redirect_uri: c.callback.postLogoutRedirectUri,
    });
    const to = new URL((await confirm(agent, page)).headers.get('location')!);
    expect(to.href.startsWith(c.callback.postLogoutRedirectUri)).toBe(true);
    expect(to.searchParams.has('state')).toBe(false);
  });

  test('oidcc-rp-initiated-logout-only-state: state alone does not redirect anywhere', async () => {
    const { agent } = await signedIn();
    const page = await openLogout(agent, { state: 'only' });
    expect(page.status).toBe(200);
    const res = await confirm(agent, page);
    expect(new URL(res.headers.get('location')!, c.sesame.issuer).origin).toBe(c.sesame.issuer);
  });

  test('logout confirmation is CSRF-protected: a post without the form token signs nobody out', async () => {
    const { agent, idToken } = await signedIn();
    const page = await openLogout(agent, { id_token_hint: idToken });
    const res = await agent.postForm(page.action!, { xsrf: 'forged', logout: 'yes' });
    expect(res.status).toBe(400);
    expect(await stillSignedIn(agent)).toBe(true);
  });

  test('oidcc-backchannel-rp-initiated-logout: the client gets a signed logout token with sid', async () => {
    const { agent, idToken, sid } = await signedIn();
    const page = await openLogout(agent, {
      id_token_hint: idToken,
      post_logout_redirect_uri: c.callback.postLogoutRedirectUri,
    });
    await confirm(agent, page);
    // Earlier tests' logouts were delivered too: take the one for this session.
    let logoutToken = await c.callback.nextBackchannelLogout(5000);
    for (let i = 0; i < 50 && jwtPayload(logoutToken).sid !== sid; i++) {
      logoutToken = await c.callback.nextBackchannelLogout(5000);
    }
    const claims = await verifyJwt(c.sesame.issuer, logoutToken);
    expect(claims).toMatchObject({ iss: c.sesame.issuer, aud: c.clientId, sub: c.person.sub, sid });
    expect(claims.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(claims).not.toHaveProperty('nonce');
    expect(typeof jwtPayload(logoutToken).jti).toBe('string');
  });
});
