/**
 * Names people type (display names, passkey names) lose bidi controls and zero-width
 * characters, so nobody can make a name read backwards on a page or look like another.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cleanName } from '../../src/accounts/cleanName.js';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { csrfOf, openInteraction, signUpPerson, startSignUp } from '../support/passkeyFlows.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c\u180e]/u;

describe('cleanName', () => {
  test.each([
    ['right-to-left override', 'Ana\u202egnp.exe', 'Anagnp.exe'],
    ['isolates and marks', '\u2066Bob\u2069 \u200fSmith\u200e', 'Bob Smith'],
    ['zero-width space and BOM', 'Ad\u200bmin\ufeff', 'Admin'],
    ['zero-width joiner between plain letters and spaces', 'Ann \u200d Lee', 'Ann Lee'],
    ['runs of spaces', '  Ann   Lee  ', 'Ann Lee'],
  ])('strips %s', (_what, input, clean) => {
    expect(cleanName(input)).toBe(clean);
  });

  test.each([
    ['an emoji ZWJ sequence', 'Ana 👩\u200d💻'],
    ['a Persian ZWNJ', 'می\u200cخواهم'],
    ['accents', 'Zoë Ångström'],
  ])('keeps %s', (_what, name) => {
    expect(cleanName(name)).toBe(name.normalize('NFC'));
  });
});

describe('over HTTP', () => {
  test('a display name typed with bidi controls is stored and released without them', async () => {
    const person = await signUpPerson(
      { issuer: c.sesame.issuer, rp: c.rp, redirectUri: c.callback.redirectUri, mail: c.mail },
      { email: 'bidi@example.com', name: '\u202eAna\u200b Admin\u2069' },
    );
    const account = await c.sesame.sesame.accounts.findByEmail('bidi@example.com');
    expect(account!.name).toBe('Ana Admin');
    expect(person.tokens.claims()!.name).toBe('Ana Admin');
  });

  test('a name of nothing but invisible characters is refused as empty', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const { uid } = await openInteraction(agent, await c.rp.authorizationUrl());
    const res = await startSignUp(agent, uid, 'ghost@example.com', '\u200b\u202e\u2066');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Enter your name.');
  });

  test('a passkey renamed with zero-width and bidi characters is stored without them', async () => {
    const { agent, authenticator } = await signUpPerson(
      { issuer: c.sesame.issuer, rp: c.rp, redirectUri: c.callback.redirectUri, mail: c.mail },
      { email: 'keys@example.com', name: 'Kay' },
    );
    const page = await agent.request('/account');
    expect(page.status).toBe(200);
    const id = authenticator.credentials[0]!.id;
    const res = await agent.postForm(`/account/passkeys/${id}/rename`, {
      _csrf: csrfOf(await page.text()),
      name: 'Work\u200b \u202elaptop\u200f',
    });
    expect(res.status).toBe(303);
    const stored = (await c.sesame.sesame.credentials.get(id))!.name;
    expect(stored).toBe('Work laptop');
    expect(stored).not.toMatch(INVISIBLE);
  });
});
