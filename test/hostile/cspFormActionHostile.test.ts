/**
 * CSP `form-action`: forms on Sesame's pages may post only to Sesame, plus (on pages that end
 * at an app) that app's registered redirect and post-logout origins; `base-uri 'none'`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { connectRp } from '../support/relyingParty.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

function formAction(res: Response): string {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("base-uri 'none'");
  return /(?:^|;\s*)form-action ([^;]+)/.exec(csp)?.[1]?.trim() ?? '(none)';
}

const appOrigin = () => new URL(c.callback.redirectUri).origin;

describe('form-action', () => {
  test("the sign-in page allows forms to post to Sesame only: 'self'", async () => {
    const res = await createHttpAgent(c.sesame.issuer).follow(await c.rp.authorizationUrl());
    expect(res.url.pathname).toMatch(/^\/interaction\//);
    expect(formAction(res.response)).toBe("'self'");
  });

  test("the consent page adds the app's redirect origin (Allow/Deny redirect there), nothing else", async () => {
    const rp = await connectRp(c.sesame, {
      name: 'Form App',
      redirectUris: [c.callback.redirectUri, 'https://form-app.example/cb'],
    });
    const { agent } = await c.login();
    const consent = await agent.follow(await rp.authorizationUrl());
    expect(await consent.response.text()).toContain('name="decision"');
    const sources = formAction(consent.response).split(/\s+/);
    expect(sources).toEqual(
      expect.arrayContaining(["'self'", appOrigin(), 'https://form-app.example']),
    );
    expect(sources).toHaveLength(3);
  });

  test('response_mode=form_post: the auto-submitted form may post to the redirect origin', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    await c.login({}, agent);
    let res = await agent.request(await c.rp.authorizationUrl({ response_mode: 'form_post' }));
    while (res.status >= 300 && res.status < 400)
      res = await agent.request(new URL(res.headers.get('location')!, c.sesame.issuer));
    expect(await res.text()).toContain(`action="${c.callback.redirectUri}"`);
    expect(formAction(res).split(/\s+/)).toEqual(["'self'", appOrigin()]);
  });

  test('the logout confirmation may send the person to the registered post-logout origin', async () => {
    const { agent, callback } = await c.login();
    const tokens = await c.rp.exchange(callback);
    const url = c.rp.endSessionUrl({
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: c.callback.postLogoutRedirectUri,
    });
    const page = await agent.follow(url);
    expect(await page.response.text()).toContain('<form');
    expect(formAction(page.response).split(/\s+/)).toEqual(["'self'", appOrigin()]);
  });
});
