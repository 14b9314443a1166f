import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHttpAgent } from '../support/httpAgent.js';
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
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const atCallback = (u: URL) => u.href.startsWith(REDIRECT);

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;
let strict: Awaited<ReturnType<typeof connectRp>>;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url });
  rp = await connectRp(sesame, { name: 'Photo Album', redirectUris: [REDIRECT] });
  strict = await connectRp(sesame, {
    name: 'Admin Panel',
    redirectUris: [REDIRECT],
    passkeyPolicy: 'device-bound',
  });
});
afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

const person = (email: string, backupEligible: boolean) =>
  signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email, authenticator: { backupEligible } },
  );

describe('passkey policy device-bound', () => {
  test('the sign-in page explains the policy and asks the browser for a security key', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const { uid, html } = await openInteraction(agent, await strict.authorizationUrl());
    expect(html).toContain('Admin Panel accepts only a passkey that stays on one device');
    expect(html).toContain('Back to Admin Panel');
    const options = await postJson<{ hints?: string[] }>(
      agent,
      `/interaction/${uid}/passkey/options`,
      {},
    );
    expect(options.body.hints).toEqual(['security-key']);
    // An app without the policy asks for no particular kind of passkey.
    const plain = await openInteraction(agent, await rp.authorizationUrl());
    expect(plain.html).not.toContain('Back to Photo Album');
    const plainOptions = await postJson<{ hints?: string[] }>(
      agent,
      `/interaction/${plain.uid}/passkey/options`,
      {},
    );
    expect(plainOptions.body.hints).toBeUndefined();
  });

  test('a synced passkey is refused on the page, with words; another passkey may still be used; audited', async () => {
    const synced = await person('synced@example.com', true);
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await strict.authorizationUrl());
    const refused = await signIn({ agent, uid, authenticator: synced.authenticator });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('passkey_not_device_bound');
    expect(refused.body.error_description).toMatch(/synced between devices/);
    const events = await sesame.sesame.audit.forAccount(synced.sub);
    expect(events[0]).toMatchObject({ type: 'signin_failed', clientId: strict.client.client_id });

    // The same interaction still accepts a device-bound passkey of another person.
    const bound = await person('bound-after@example.com', false);
    const ok = await signIn({ agent, uid, authenticator: bound.authenticator });
    expect(ok.status).toBe(200);
    const { callback } = await continueToCallback(agent, ok.body.redirectTo!, REDIRECT);
    const tokens = await strict.exchange(callback);
    expect(tokens.claims()).toMatchObject({ sub: bound.sub, acr: 'phrh' });
  });

  test('“Back to {app}” returns unmet_authentication_requirements with state, nothing issued', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const url = await strict.authorizationUrl();
    const state = url.searchParams.get('state');
    const { uid, html } = await openInteraction(agent, url);
    const form = html.slice(html.indexOf('/back'));
    const back = await agent.postForm(`/interaction/${uid}/back`, { _csrf: csrfOf(form) });
    expect(back.status).toBe(303);
    const { url: at } = await agent.follow(back.headers.get('location')!, atCallback);
    expect(at.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(at.searchParams.get('state')).toBe(state);
    expect(at.searchParams.get('code')).toBeNull();
  });

  test('a device-bound passkey signs in with acr phrh', async () => {
    const bound = await person('bound@example.com', false);
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await strict.authorizationUrl());
    const ok = await signIn({ agent, uid, authenticator: bound.authenticator });
    const { callback } = await continueToCallback(agent, ok.body.redirectTo!, REDIRECT);
    const claims = (await strict.exchange(callback)).claims()!;
    expect(claims.acr).toBe('phrh');
    expect(claims.amr).toEqual(expect.arrayContaining(['hwk', 'mfa']));
  });

  test('a session from a synced passkey is asked to sign in again, not refused', async () => {
    const synced = await person('session@example.com', true);
    const { url, response } = await synced.agent.follow(
      await strict.authorizationUrl(),
      atCallback,
    );
    expect(url.pathname).toMatch(/^\/interaction\//);
    expect(await response.text()).toContain('<h1>Sign in</h1>');
  });

  test('acr_values=phrh on any app behaves the same: refused on the page', async () => {
    const synced = await person('step@example.com', true);
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl({ acr_values: 'phrh' }));
    const refused = await signIn({ agent, uid, authenticator: synced.authenticator });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('passkey_not_device_bound');
  });
});
