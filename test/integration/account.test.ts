import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ACCOUNT_CLIENT_ID } from '../../src/account/accountClient.js';
import { oidcCollectionSpec, type OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';
import { startCallbackServer, type CallbackServer } from '../support/callbackServer.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  csrfOf,
  openInteraction,
  postJson,
  signIn,
  signUpPerson,
} from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { KNOWN_AAGUIDS, SoftAuthenticator } from '../support/softAuthenticator.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const CHROME_ON_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';

let sesame: RunningSesame;
let mail: MailCatcher;
let callbacks: CallbackServer;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  callbacks = await startCallbackServer();
  sesame = await startSesame({ SMTP_URL: mail.url });
  rp = await connectRp(sesame, {
    name: 'Photo Album',
    redirectUris: [REDIRECT],
    backchannelLogoutUri: callbacks.backchannelLogoutUri,
  });
});

afterAll(async () => {
  await sesame?.close();
  await callbacks?.close();
  await mail?.close();
});

let counter = 0;
/** Someone who signed up through the Photo Album app (with a refresh token) in `agent`. */
async function person(options: { aaguid?: string; backupEligible?: boolean } = {}) {
  const { email, authenticator, agent, tokens, sub } = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    {
      email: `acct${++counter}@example.com`,
      name: 'Pat User',
      authenticator: options,
      authorizationParams: { scope: 'openid email offline_access', prompt: 'consent' },
    },
  );
  return { email, authenticator, agent, tokens, accountId: sub };
}

/** GET /account in `agent`: the page's HTML and CSRF token. */
async function accountPage(agent: HttpAgent): Promise<{ html: string; csrf: string }> {
  const res = await agent.request('/account');
  const html = await res.text();
  expect(res.status).toBe(200);
  return { html, csrf: csrfOf(html) };
}

async function sessionsOf(accountId: string) {
  const col = await sesame.store.collection<OidcDoc>(oidcCollectionSpec('Session'));
  return { col, docs: await col.list('payload.accountId', accountId) };
}

/** Makes every session of the account look signed in an hour ago. */
async function ageSessions(accountId: string): Promise<void> {
  const { col, docs } = await sessionsOf(accountId);
  for (const doc of docs) {
    await col.upsert({
      ...doc,
      payload: { ...doc.payload, loginTs: Math.floor(Date.now() / 1000) - 3600 },
    });
  }
}

describe('reaching /account', () => {
  test('without a session it signs in through Sesame’s own client, then shows "Your account"', async () => {
    const p = await person();
    const agent = createHttpAgent(sesame.issuer);
    const first = await agent.request('/account');
    expect(first.status).toBe(303);
    const to = new URL(first.headers.get('location')!, sesame.issuer);
    expect(to.pathname).toBe('/auth');
    expect(to.searchParams.get('client_id')).toBe(ACCOUNT_CLIENT_ID);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    const { uid, html } = await openInteraction(agent, to);
    expect(html).toContain('Sign in');
    const result = await signIn({ agent, uid, authenticator: p.authenticator });
    expect(result.status).toBe(200);
    const { response, url } = await agent.follow(result.body.redirectTo!);
    expect(url.pathname).toBe('/account');
    const page = await response.text();
    expect(page).toContain('<h1>Your account</h1>');
    expect(page).toContain(p.email);
    expect(response.headers.get('cache-control')).toContain('no-store');
    // Sesame's own client is not listed among the person's connected apps.
    expect(page).not.toContain('your Sesame account</strong>');
  });

  test('a callback with a forged state is refused', async () => {
    const agent = createHttpAgent(sesame.issuer);
    await agent.request('/account');
    const res = await agent.request('/account/callback?code=x&state=forged');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('did not start here');
  });

  test('a disabled account cannot use the page or change anything', async () => {
    const p = await person();
    const { csrf } = await accountPage(p.agent);
    const account = (await sesame.sesame.accounts.get(p.accountId))!;
    await sesame.sesame.accounts.update({ ...account, disabled: true });
    const page = await p.agent.request('/account');
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('This account is disabled');
    const res = await p.agent.postForm('/account/sign-out-everywhere', { _csrf: csrf });
    expect(res.status).toBe(403);
    const confirm = await postJson(p.agent, '/account/confirm/options', { _csrf: csrf });
    expect(confirm.status).toBe(403);
  });
});

describe('passkeys on the account page', () => {
  test('lists the authenticator name, kind and dates, and warns about a single passkey', async () => {
    const p = await person({ aaguid: KNOWN_AAGUIDS.googlePasswordManager, backupEligible: true });
    const { html } = await accountPage(p.agent);
    expect(html).toContain('Google Password Manager');
    expect(html).toContain('Synced');
    expect(html).toContain('You have only one passkey');
    expect(html).toMatch(/Created <time datetime="\d{4}-/);
  });

  test('a passkey made at sign-up is named after its authenticator when the AAGUID is known', async () => {
    const known = await person({ aaguid: KNOWN_AAGUIDS.googlePasswordManager });
    const knownId = known.authenticator.credentials[0]!.id;
    expect((await sesame.sesame.credentials.get(knownId))!.name).toBe('Google Password Manager');
    const unknown = await person({ aaguid: KNOWN_AAGUIDS.none });
    const unknownId = unknown.authenticator.credentials[0]!.id;
    expect((await sesame.sesame.credentials.get(unknownId))!.name).toBe('Passkey');
  });

  test('add a passkey (existing ones excluded), named from its AAGUID or the browser, audited', async () => {
    const p = await person({ aaguid: KNOWN_AAGUIDS.googlePasswordManager, backupEligible: true });
    const { csrf } = await accountPage(p.agent);
    const second = new SoftAuthenticator({ origin: sesame.issuer });
    const options = await postJson<{ excludeCredentials: { id: string }[] }>(
      p.agent,
      '/account/passkeys/options',
      { _csrf: csrf },
    );
    expect(options.status).toBe(200);
    expect(options.body.excludeCredentials.map((c) => c.id)).toEqual([
      p.authenticator.credentials[0]!.id,
    ]);
    const response = second.createCredential(options.body as never);
    const verify = await p.agent.request('/account/passkeys/verify', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: sesame.issuer,
        'User-Agent': CHROME_ON_ANDROID,
      },
      body: JSON.stringify({ _csrf: csrf, response }),
    });
    expect(verify.status).toBe(200);
    const stored = await sesame.sesame.credentials.get(second.credentials[0]!.id);
    expect(stored).toMatchObject({
      accountId: p.accountId,
      name: 'Chrome on Android',
      createdWith: 'Chrome on Android',
      backupEligible: false,
    });
    const { html } = await accountPage(p.agent);
    expect(html).toContain('Device-bound');
    expect(html).not.toContain('You have only one passkey');
    const events = await sesame.sesame.audit.forAccount(p.accountId);
    expect(events[0]).toMatchObject({ type: 'passkey_added', credentialId: stored!.id });
  });

  test('warns when every passkey is synced by the same provider', async () => {
    const p = await person({ aaguid: KNOWN_AAGUIDS.iCloudKeychain, backupEligible: true });
    const { csrf } = await accountPage(p.agent);
    const same = new SoftAuthenticator({
      origin: sesame.issuer,
      aaguid: KNOWN_AAGUIDS.iCloudKeychain,
      backupEligible: true,
    });
    const options = await postJson(p.agent, '/account/passkeys/options', { _csrf: csrf });
    const response = same.createCredential(options.body as never);
    expect(
      (await postJson(p.agent, '/account/passkeys/verify', { _csrf: csrf, response })).status,
    ).toBe(200);
    const { html } = await accountPage(p.agent);
    expect(html).toContain('All your passkeys are synced by Apple Passwords');
  });

  test('rename: 303 back to the page, audited; another account’s passkey is not found', async () => {
    const p = await person();
    const other = await person();
    const { csrf } = await accountPage(p.agent);
    const id = p.authenticator.credentials[0]!.id;
    const res = await p.agent.postForm(`/account/passkeys/${id}/rename`, {
      _csrf: csrf,
      name: '  Work laptop ',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?done=renamed');
    expect((await sesame.sesame.credentials.get(id))!.name).toBe('Work laptop');
    expect((await sesame.sesame.audit.forAccount(p.accountId))[0]!.type).toBe('passkey_renamed');

    const otherId = other.authenticator.credentials[0]!.id;
    const refused = await p.agent.postForm(`/account/passkeys/${otherId}/rename`, {
      _csrf: csrf,
      name: 'Mine now',
    });
    expect(refused.status).toBe(404);
    expect((await sesame.sesame.credentials.get(otherId))!.name).toBe('Passkey');
    const empty = await p.agent.postForm(`/account/passkeys/${id}/rename`, {
      _csrf: csrf,
      name: '   ',
    });
    expect(empty.status).toBe(400);
  });

  test('delete: never the last passkey, never another account’s; otherwise gone and audited', async () => {
    const p = await person();
    const other = await person();
    const { csrf } = await accountPage(p.agent);
    const id = p.authenticator.credentials[0]!.id;
    const last = await p.agent.postForm(`/account/passkeys/${id}/delete`, { _csrf: csrf });
    expect(last.status).toBe(400);
    expect(await last.text()).toContain('You cannot delete your only passkey');
    expect(await sesame.sesame.credentials.get(id)).toBeDefined();

    const otherId = other.authenticator.credentials[0]!.id;
    const foreign = await p.agent.postForm(`/account/passkeys/${otherId}/delete`, { _csrf: csrf });
    expect(foreign.status).toBe(404);
    expect(await sesame.sesame.credentials.get(otherId)).toBeDefined();

    const second = new SoftAuthenticator({ origin: sesame.issuer });
    const options = await postJson(p.agent, '/account/passkeys/options', { _csrf: csrf });
    const response = second.createCredential(options.body as never);
    await postJson(p.agent, '/account/passkeys/verify', { _csrf: csrf, response });
    const gone = await p.agent.postForm(`/account/passkeys/${id}/delete`, { _csrf: csrf });
    expect(gone.status).toBe(303);
    expect(await sesame.sesame.credentials.get(id)).toBeUndefined();
    const event = (await sesame.sesame.audit.forAccount(p.accountId))[0]!;
    expect(event).toMatchObject({ type: 'passkey_removed', credentialId: id });
  });
});

describe('every change is protected', () => {
  test('a missing, forged or other session’s CSRF token is refused', async () => {
    const p = await person();
    const other = await person();
    const { csrf: otherCsrf } = await accountPage(other.agent);
    const id = p.authenticator.credentials[0]!.id;
    const attempts: Record<string, string>[] = [{}, { _csrf: 'forged' }, { _csrf: otherCsrf }];
    for (const fields of attempts) {
      const res = await p.agent.postForm(`/account/passkeys/${id}/rename`, {
        ...fields,
        name: 'x',
      });
      expect(res.status).toBe(403);
    }
    const json = await postJson(p.agent, '/account/passkeys/options', { _csrf: 'forged' });
    expect(json.status).toBe(403);
    expect((await sesame.sesame.credentials.get(id))!.name).toBe('Passkey');
  });

  test('a cross-site form post is refused', async () => {
    const p = await person();
    const { csrf } = await accountPage(p.agent);
    const res = await p.agent.request('/account/sign-out-everywhere', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://evil.example',
        'Sec-Fetch-Site': 'cross-site',
      },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(res.status).toBe(403);
    expect((await sessionsOf(p.accountId)).docs).toHaveLength(1);
  });

  test('a stale session must confirm with a passkey of this account before changing anything', async () => {
    const p = await person();
    const other = await person();
    const { csrf } = await accountPage(p.agent);
    await ageSessions(p.accountId);
    const id = p.authenticator.credentials[0]!.id;
    const res = await p.agent.postForm(`/account/passkeys/${id}/rename`, {
      _csrf: csrf,
      name: 'Stale',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?done=confirm');
    expect((await sesame.sesame.credentials.get(id))!.name).toBe('Passkey');
    const { html } = await accountPage(p.agent);
    expect(html).toContain('Confirm it’s you');
    const add = await postJson(p.agent, '/account/passkeys/options', { _csrf: csrf });
    expect(add.status).toBe(403);
    expect(add.body).toMatchObject({ error: 'confirmation_required' });

    // Another account's passkey does not confirm this session.
    let options = await postJson(p.agent, '/account/confirm/options', { _csrf: csrf });
    expect(options.status).toBe(200);
    const wrong = other.authenticator.getAssertion({
      ...(options.body as object),
      allowCredentials: [],
    } as never);
    const refused = await postJson(p.agent, '/account/confirm/verify', {
      _csrf: csrf,
      response: wrong,
    });
    expect(refused.status).toBe(400);

    options = await postJson(p.agent, '/account/confirm/options', { _csrf: csrf });
    const assertion = p.authenticator.getAssertion(options.body as never);
    const ok = await postJson(p.agent, '/account/confirm/verify', {
      _csrf: csrf,
      response: assertion,
    });
    expect(ok.status).toBe(200);
    const renamed = await p.agent.postForm(`/account/passkeys/${id}/rename`, {
      _csrf: csrf,
      name: 'Fresh',
    });
    expect(renamed.status).toBe(303);
    expect((await sesame.sesame.credentials.get(id))!.name).toBe('Fresh');
  });
});

describe('connected apps, sessions and activity', () => {
  test('revoke ends the app’s refresh and access tokens at once (openid-client sees invalid_grant)', async () => {
    const p = await person();
    const { html, csrf } = await accountPage(p.agent);
    expect(html).toContain('Photo Album');
    expect(html).toContain('Stay connected when you are not using it');
    const clientId = rp.config.clientMetadata().client_id;
    const res = await p.agent.postForm('/account/apps/revoke', {
      _csrf: csrf,
      client_id: clientId,
    });
    expect(res.status).toBe(303);
    await expect(rp.refresh(p.tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(rp.userinfo(p.tokens.access_token)).rejects.toThrow();
    const after = await accountPage(p.agent);
    expect(after.html).toContain('No apps are connected');
    expect((await sesame.sesame.audit.forAccount(p.accountId))[0]).toMatchObject({
      type: 'app_revoked',
      clientId,
    });
    const again = await p.agent.postForm('/account/apps/revoke', {
      _csrf: csrf,
      client_id: clientId,
    });
    expect(again.status).toBe(404);
  });

  test('sign out everywhere ends every session and grant and sends back-channel logout', async () => {
    const p = await person();
    // A second browser signed in to the same account.
    const laptop = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(laptop, await rp.authorizationUrl());
    const signedIn = await signIn({ agent: laptop, uid, authenticator: p.authenticator });
    await continueToCallback(laptop, signedIn.body.redirectTo!, REDIRECT);
    expect((await sessionsOf(p.accountId)).docs).toHaveLength(2);

    const { html, csrf } = await accountPage(p.agent);
    // Each browser is listed with its own "Sign out".
    expect(html.match(/\/account\/sessions\/[\w-]+\/sign-out/g)).toHaveLength(2);
    expect(html).toContain('This browser');
    const logoutToken = callbacks.nextBackchannelLogout(5000);
    const res = await p.agent.postForm('/account/sign-out-everywhere', { _csrf: csrf });
    expect(res.status).toBe(303);
    // A signed-out confirmation, not the sign-in page where autofill could sign them back in.
    expect(res.headers.get('location')).toBe('/signed-out');
    expect((await sessionsOf(p.accountId)).docs).toHaveLength(0);
    const token = await logoutToken;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      sub: string;
      sid: string;
    };
    expect(claims.sub).toBe(p.accountId);
    expect(claims.sid).toEqual(expect.any(String));
    await expect(rp.refresh(p.tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    for (const agent of [p.agent, laptop]) {
      const page = await agent.request('/account');
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toMatch(/^\/auth\?/);
    }
    expect((await sesame.sesame.audit.forAccount(p.accountId))[0]).toMatchObject({
      type: 'signed_out_everywhere',
    });
  });

  test('recent activity shows sign-ins and passkey changes with app, browser and a coarse location', async () => {
    const p = await person();
    const { html } = await accountPage(p.agent);
    expect(html).toContain('Account created');
    expect(html).toContain('Passkey added');
    expect(html).toContain('Photo Album');
    expect(html).toContain('Node.js');
    expect(html).toMatch(/from 127\.0\.0\.x/);
    expect(html).not.toContain('127.0.0.1');
  });
});
