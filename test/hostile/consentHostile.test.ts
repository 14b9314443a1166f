/**
 * Consent names everything an app gets: the `claims` parameter cannot release data the consent
 * page did not name, and remembered consent asks again when an app asks for more.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { csrfOf, signIn } from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

/** A new third-party app registered on the running server. */
function newApp(name: string): Promise<RelyingParty> {
  return connectRp(c.sesame, { name, redirectUris: [c.callback.redirectUri] });
}

/** Follows `url` (signing in with the passkey when asked) to the consent page; returns its HTML. */
async function reachConsent(agent: HttpAgent, url: URL): Promise<{ uid: string; html: string }> {
  let landed = await c.land(agent, url);
  let uid = landed.url.pathname.split('/')[2]!;
  if (!landed.html.includes('name="decision"')) {
    const result = await signIn({ agent, uid, authenticator: c.person.authenticator });
    landed = await c.land(agent, result.body.redirectTo!);
    uid = landed.url.pathname.split('/')[2]!;
  }
  expect(landed.html).toContain('name="decision"');
  return { uid, html: landed.html };
}

/** The consent page's list items, as text. */
function consentLines(html: string): string[] {
  const list = /<ul class="scopes">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]!);
}

async function allow(agent: HttpAgent, uid: string, html: string, rp: RelyingParty) {
  const res = await agent.postForm(`/interaction/${uid}/consent`, {
    decision: 'allow',
    _csrf: csrfOf(html),
  });
  expect(res.status).toBe(303);
  const landed = await c.land(agent, new URL(res.headers.get('location')!, c.sesame.issuer));
  expect(landed.url.href.startsWith(c.callback.redirectUri)).toBe(true);
  return rp.exchange(landed.url);
}

const CLAIMS = JSON.stringify({
  id_token: { email: null, name: null },
  userinfo: { email: null, email_verified: null, name: null },
});

describe('the claims parameter', () => {
  test('consent names the email and name that the claims parameter asks for, and only then releases them', async () => {
    const rp = await newApp('Claims App');
    const agent = createHttpAgent(c.sesame.issuer);
    const { uid, html } = await reachConsent(
      agent,
      await rp.authorizationUrl({ scope: 'openid', claims: CLAIMS }),
    );
    const lines = consentLines(html);
    expect(lines).toContain('Know who you are when you sign in');
    expect(lines).toContain('See your email address');
    expect(lines).toContain('See your name');
    const tokens = await allow(agent, uid, html, rp);
    // What was named is released; nothing else.
    expect(tokens.claims()).toMatchObject({ email: c.person.email });
  });
});

describe('remembered consent', () => {
  test('a later request asking for more claims asks again, naming what is new', async () => {
    const rp = await newApp('Growing App');
    const agent = createHttpAgent(c.sesame.issuer);
    const first = await reachConsent(agent, await rp.authorizationUrl({ scope: 'openid' }));
    expect(consentLines(first.html)).toEqual(['Know who you are when you sign in']);
    const firstTokens = await allow(agent, first.uid, first.html, rp);
    expect(firstTokens.claims()!.email).toBeUndefined();

    // Same person, same app, now asking for the email address through the claims parameter.
    const second = await reachConsent(
      agent,
      await rp.authorizationUrl({ scope: 'openid', claims: CLAIMS }),
    );
    const lines = consentLines(second.html);
    expect(lines).toContain('See your email address');
    expect(lines).toContain('See your name');
    const tokens = await allow(agent, second.uid, second.html, rp);
    expect(tokens.claims()).toMatchObject({ email: c.person.email });
    const info = await rp.userinfo(tokens.access_token);
    expect(info.name).toBe('Conny Formance');

    // Asked and granted once: the same request again goes straight back to the app.
    const third = await c.land(
      agent,
      await rp.authorizationUrl({ scope: 'openid', claims: CLAIMS }),
    );
    expect(third.url.href.startsWith(c.callback.redirectUri)).toBe(true);
  });

  test('a later request asking for more scopes asks again', async () => {
    const rp = await newApp('Scope App');
    const agent = createHttpAgent(c.sesame.issuer);
    const first = await reachConsent(agent, await rp.authorizationUrl({ scope: 'openid' }));
    await allow(agent, first.uid, first.html, rp);
    const second = await reachConsent(agent, await rp.authorizationUrl({ scope: 'openid email' }));
    expect(consentLines(second.html)).toEqual(['See your email address']);
  });
});
