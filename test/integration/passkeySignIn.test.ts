import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startSesame, type RunningSesame } from '../support/startSesame.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import {
  continueToCallback,
  csrfOf,
  openInteraction,
  signIn,
  signUpPerson,
} from '../support/passkeyFlows.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;
let firstPartyRp: RelyingParty;
let publicRp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url });
  rp = await connectRp(sesame, { name: 'Photo Album', redirectUris: [REDIRECT] });
  firstPartyRp = await connectRp(sesame, {
    name: 'Own App',
    redirectUris: [REDIRECT],
    firstParty: true,
  });
  publicRp = await connectRp(sesame, { name: 'SPA', redirectUris: [REDIRECT], public: true });
});

afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

/** A new person: signs up through the pages and returns their authenticator and tokens. */
async function newPerson(email: string, options: { backupEligible?: boolean } = {}) {
  const { authenticator, agent, tokens, consentShown } = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email, name: 'Ada Lovelace', authenticator: options },
  );
  return { authenticator, agent, tokens, consentShown };
}

describe('walking skeleton: sign-up, sign-in, tokens', () => {
  test('sign-up with a verified email and a passkey yields an ID token with truthful claims', async () => {
    const { tokens, consentShown } = await newPerson('ada@example.com');
    expect(consentShown).toBe(true);
    const claims = tokens.claims()!;
    expect(claims.email).toBe('ada@example.com');
    expect(claims.email_verified).toBe(true);
    expect(claims.name).toBe('Ada Lovelace');
    expect(claims.sub).not.toContain('ada');
    expect(claims.sub.length).toBeGreaterThanOrEqual(20);
    // A device-bound passkey with user verification: phrh, hwk, user, mfa.
    expect(claims.acr).toBe('phrh');
    expect(claims.amr).toEqual(expect.arrayContaining(['pop', 'hwk', 'user', 'mfa']));
    expect(claims.amr).not.toContain('swk');
    const info = await rp.userinfo(tokens.access_token, claims.sub);
    expect(info).toMatchObject({
      sub: claims.sub,
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada Lovelace',
    });
  });

  test('a returning person signs in with the passkey (discoverable) on a new browser, and consent is not asked again', async () => {
    const { authenticator, tokens: first } = await newPerson('grace@example.com');
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    const result = await signIn({ agent, uid, authenticator });
    expect(result.status).toBe(200);
    const { callback, consentShown } = await continueToCallback(
      agent,
      result.body.redirectTo!,
      REDIRECT,
      'refuse',
    );
    expect(consentShown).toBe(false);
    const tokens = await rp.exchange(callback);
    expect(tokens.claims()!.sub).toBe(first.claims()!.sub);
  });

  test('email-first sign-in lists the account’s passkeys and signs in', async () => {
    const { authenticator, tokens: first } = await newPerson('linus@example.com');
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    const options = await agent.postJson(`/interaction/${uid}/passkey/options`, {
      email: ' Linus@Example.COM ',
    });
    const body = (await options.json()) as { allowCredentials: { id: string }[] };
    expect(body.allowCredentials.map((c) => c.id)).toEqual(
      authenticator.credentials.map((c) => c.id),
    );
    const assertion = authenticator.getAssertion(body as never);
    const verify = await agent.postJson(`/interaction/${uid}/passkey/verify`, {
      response: assertion,
    });
    expect(verify.status).toBe(200);
    const { redirectTo } = (await verify.json()) as { redirectTo: string };
    const tokens = await rp.exchange(
      (await continueToCallback(agent, redirectTo, REDIRECT)).callback,
    );
    expect(tokens.claims()!.sub).toBe(first.claims()!.sub);
  });

  test('a synced passkey gives acr phr and amr swk', async () => {
    const { tokens } = await newPerson('synced@example.com', { backupEligible: true });
    expect(tokens.claims()!.acr).toBe('phr');
    expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['pop', 'swk', 'user', 'mfa']));
  });

  test('a first-party client skips the consent page', async () => {
    const { authenticator } = await newPerson('first@example.com');
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await firstPartyRp.authorizationUrl());
    const result = await signIn({ agent, uid, authenticator });
    const { callback, consentShown } = await continueToCallback(
      agent,
      result.body.redirectTo!,
      REDIRECT,
      'refuse',
    );
    expect(consentShown).toBe(false);
    const tokens = await firstPartyRp.exchange(callback);
    expect(tokens.claims()!.email).toBe('first@example.com');
  });

  test('a public client gets tokens with PKCE S256 and is refused without it', async () => {
    const { authenticator } = await newPerson('pkce@example.com');
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await publicRp.authorizationUrl());
    const result = await signIn({ agent, uid, authenticator });
    const { callback } = await continueToCallback(agent, result.body.redirectTo!, REDIRECT);
    const tokens = await publicRp.exchange(callback);
    expect(tokens.claims()!.email).toBe('pkce@example.com');

    const noPkce = await publicRp.authorizationUrl();
    noPkce.searchParams.delete('code_challenge');
    noPkce.searchParams.delete('code_challenge_method');
    const { url } = await agent.follow(noPkce, (u) => u.href.startsWith(REDIRECT));
    expect(url.searchParams.get('error')).toBe('invalid_request');
    const plain = await publicRp.authorizationUrl();
    plain.searchParams.set('code_challenge_method', 'plain');
    const { url: plainUrl } = await agent.follow(plain, (u) => u.href.startsWith(REDIRECT));
    expect(plainUrl.searchParams.get('error')).toBe('invalid_request');
  });

  test('login_hint pre-fills the email field, escaped', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const { html } = await openInteraction(
      agent,
      await rp.authorizationUrl({ login_hint: 'Hint@Example.com' }),
    );
    expect(html).toContain('value="hint@example.com"');
    const { html: hostile } = await openInteraction(
      agent,
      await rp.authorizationUrl({ login_hint: '"><script>alert(1)</script>' }),
    );
    expect(hostile).not.toContain('<script>alert(1)');
    expect(hostile).toMatch(/id="email"[^>]*value=""/);
  });

  test('prompt=login and max_age=0 ask for the passkey again even with a session', async () => {
    const { authenticator, agent } = await newPerson('again@example.com');
    for (const params of [{ prompt: 'login' }, { max_age: '0' }]) {
      const { uid, html } = await openInteraction(agent, await rp.authorizationUrl(params));
      expect(html).toContain('<h1>Sign in</h1>');
      const result = await signIn({ agent, uid, authenticator });
      const tokens = await rp.exchange(
        (await continueToCallback(agent, result.body.redirectTo!, REDIRECT)).callback,
      );
      expect(tokens.claims()!.email).toBe('again@example.com');
    }
    // Without either, the session is reused: no sign-in page.
    const { callback } = await continueToCallback(
      agent,
      (await rp.authorizationUrl()).href,
      REDIRECT,
      'refuse',
    );
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  test('acr_values=phrh with a synced passkey is refused; going back gives unmet_authentication_requirements', async () => {
    const { authenticator } = await newPerson('step@example.com', { backupEligible: true });
    const agent = createHttpAgent(sesame.issuer);
    const { uid, html } = await openInteraction(
      agent,
      await rp.authorizationUrl({ acr_values: 'phrh' }),
    );
    const result = await signIn({ agent, uid, authenticator });
    expect(result.status).toBe(403);
    expect(result.body.error).toBe('passkey_not_device_bound');
    const form = html.slice(html.indexOf('/back'));
    const back = await agent.postForm(`/interaction/${uid}/back`, { _csrf: csrfOf(form) });
    const { url } = await agent.follow(back.headers.get('location')!, (u) =>
      u.href.startsWith(REDIRECT),
    );
    expect(url.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(url.searchParams.get('state')).toBeTruthy();
  });

  test('the stored passkey records counter, backup flags, transports and use', async () => {
    const { authenticator, tokens } = await newPerson('store@example.com');
    const creds = await sesame.sesame.credentials.forAccount(tokens.claims()!.sub);
    expect(creds).toHaveLength(1);
    const c = creds[0]!;
    expect(c.id).toBe(authenticator.credentials[0]!.id);
    expect(c).toMatchObject({
      backupEligible: false,
      backupState: false,
      transports: ['internal', 'hybrid'],
    });
    expect(typeof c.publicKey).toBe('string');
    expect(c.createdAt).toBeGreaterThan(0);
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    await signIn({ agent, uid, authenticator });
    const after = (await sesame.sesame.credentials.get(c.id))!;
    expect(after.counter).toBe(authenticator.credentials[0]!.counter);
    expect(after.counter).toBeGreaterThan(c.counter);
  });
});
