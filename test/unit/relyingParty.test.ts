import { jest } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { startCallbackServer, type CallbackServer } from '../support/callbackServer.js';
import { discoverRp, type RelyingParty } from '../support/relyingParty.js';

/**
 * Exercises the RP helpers against a bare oidc-provider with its development interactions
 * (a login form that accepts any name, and a consent form), driven by fetch and a cookie jar.
 */
describe('relying party helpers', () => {
  let server: Server;
  let issuer: string;
  let callbacks: CallbackServer;
  let rp: RelyingParty;

  beforeAll(async () => {
    // oidc-provider's development-only notices are expected here and only add noise.
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    callbacks = await startCallbackServer();
    let handler: RequestListener = (_req, res) => res.writeHead(503).end();
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'test-rp',
          client_secret: 'test-secret',
          redirect_uris: [callbacks.redirectUri],
          post_logout_redirect_uris: [callbacks.postLogoutRedirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [{ ...signingKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }] },
      responseTypes: ['code'],
      claims: { openid: ['sub'], email: ['email'] },
      features: {
        devInteractions: { enabled: true },
        revocation: { enabled: true },
        introspection: { enabled: true },
      },
      cookies: { keys: ['test-cookie-key'] },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({ sub, email: `${sub}@example.com` }),
      }),
    });
    handler = provider.callback();

    rp = await discoverRp({
      issuer,
      clientId: 'test-rp',
      clientSecret: 'test-secret',
      redirectUri: callbacks.redirectUri,
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await callbacks?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Follows redirects, signing in as `login` and consenting, until the RP's callback. */
  async function signIn(start: URL, login: string): Promise<void> {
    const jar = new Map<string, string>();
    let url = start;
    let form: URLSearchParams | undefined;
    for (let hops = 0; hops < 20; hops++) {
      const response = await fetch(url, {
        method: form ? 'POST' : 'GET',
        body: form,
        redirect: 'manual',
        headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = ''] = cookie.split(';');
        const name = pair.slice(0, pair.indexOf('='));
        const value = pair.slice(pair.indexOf('=') + 1);
        if (value && !/expires=Thu, 01 Jan 1970/i.test(cookie)) jar.set(name, value);
        else jar.delete(name);
      }
      form = undefined;
      const location = response.headers.get('location');
      if (location) {
        url = new URL(location, url);
        continue;
      }
      if (url.href.startsWith(callbacks.redirectUri)) return;
      const html = await response.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (!prompt) throw new Error(`Unexpected page ${response.status} at ${url}: ${html}`);
      form = new URLSearchParams(prompt === 'login' ? { prompt, login } : { prompt });
    }
    throw new Error('Too many redirects');
  }

  it('signs in with code + PKCE, reads userinfo, refreshes, introspects and revokes', async () => {
    const url = await rp.authorizationUrl({
      scope: 'openid email offline_access',
      prompt: 'consent',
    });
    expect(url.origin).toBe(issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toBe(callbacks.redirectUri);
    const pending = rp.pending.get(url.searchParams.get('state')!);
    expect(pending?.nonce).toBe(url.searchParams.get('nonce'));

    await signIn(url, 'alice');
    const callback = await callbacks.nextCallback();
    expect(callback.searchParams.get('code')).toBeTruthy();

    const tokens = await rp.exchange(callback);
    expect(tokens.claims()).toMatchObject({ sub: 'alice', nonce: pending!.nonce, aud: 'test-rp' });
    expect(tokens.refresh_token).toBeTruthy();

    await expect(rp.userinfo(tokens.access_token, 'alice')).resolves.toMatchObject({
      sub: 'alice',
      email: 'alice@example.com',
    });
    await expect(rp.userinfo(tokens.access_token, 'bob')).rejects.toThrow();

    const refreshed = await rp.refresh(tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    await expect(rp.introspect(refreshed.access_token)).resolves.toMatchObject({ active: true });
    await rp.revoke(refreshed.access_token, 'access_token');
    await expect(rp.introspect(refreshed.access_token)).resolves.toMatchObject({ active: false });

    const logout = rp.endSessionUrl({ post_logout_redirect_uri: callbacks.postLogoutRedirectUri });
    expect(logout.searchParams.get('client_id')).toBe('test-rp');
  });

  it('refuses a callback whose state it never issued, and surfaces OAuth errors', async () => {
    await expect(rp.exchange(`${callbacks.redirectUri}?code=x&state=forged`)).rejects.toThrow(
      /unknown state/,
    );
    const url = await rp.authorizationUrl({ prompt: 'none' });
    const response = await fetch(url, { redirect: 'manual' });
    const callback = new URL(response.headers.get('location')!);
    expect(callback.searchParams.get('error')).toBe('login_required');
    await expect(rp.exchange(callback)).rejects.toThrow(/login_required|authorization response/i);
  });

  it('answers the browser on every RP endpoint', async () => {
    const page = await fetch(`${callbacks.redirectUri}?code=abc&state=s`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('signed in');
    expect((await callbacks.nextCallback()).searchParams.get('code')).toBe('abc');

    await fetch(`${callbacks.postLogoutRedirectUri}?state=bye`);
    expect((await callbacks.nextPostLogout()).searchParams.get('state')).toBe('bye');

    await fetch(callbacks.backchannelLogoutUri, {
      method: 'POST',
      body: new URLSearchParams({ logout_token: 'jwt' }),
    });
    await expect(callbacks.nextBackchannelLogout()).resolves.toBe('jwt');
    await expect(callbacks.nextCallback(100)).rejects.toThrow(/No callback within 100 ms/);
  });
});
