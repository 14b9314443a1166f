/**
 * The email address policy: one normal form (NFKC, lower case, punycode domain), look-alike and
 * malformed addresses refused in words (400), and mail limits per mailbox, plus-addresses included.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkEmail } from '../../src/accounts/normalizeEmail.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { openInteraction, postJson, signUp, startSignUp } from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';
import { LOOSE_LIMITS, startSesame, type RunningSesame } from '../support/startSesame.js';

let s: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;
beforeAll(async () => {
  mail = await startMailCatcher();
  s = await startSesame(
    { SMTP_URL: mail.url },
    { limits: { ...LOOSE_LIMITS, mailPerEmail: { max: 3, windowMs: 3_600_000 } } },
  );
  rp = await connectRp(s, { name: 'Mail App', redirectUris: ['http://127.0.0.1:9/cb'] });
});
afterAll(async () => {
  await s?.close();
  await mail?.close();
});

async function signUpForm(email: string) {
  const agent = createHttpAgent(s.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  const res = await startSignUp(agent, uid, email, 'Ana');
  return { agent, uid, res, html: res.status === 303 ? '' : await res.text() };
}

describe('addresses refused with a clear 400, and no mail sent', () => {
  test.each([
    ['a trailing dot in the domain', 'ana@example.com.', /ends with a dot/],
    ['a trailing dot in the local part', 'ana.@example.com', /ends with a dot/],
    ['Latin mixed with Cyrillic look-alikes', 'p\u0430ypal@example.com', /different alphabets/],
    ['a zero-width space', 'ana\u200b@example.com', /invisible characters/],
    ['a right-to-left override', 'ana\u202e@example.com', /invisible characters/],
    ['two dots in a row', 'ana@example..com', /valid email address/],
  ])('%s', async (_what, email, message) => {
    const before = mail.messages.length;
    const { res, html } = await signUpForm(email);
    expect(res.status).toBe(400);
    expect(html).toMatch(message);
    expect(mail.messages.length).toBe(before);
  });
});

describe('one normal form', () => {
  test.each([
    ['  Ana@Example.COM ', 'ana@example.com'],
    ['ana@bücher.example', 'ana@xn--bcher-kva.example'],
    ['ａｎａ@ｅｘａｍｐｌｅ.com', 'ana@example.com'],
    ['ana+news@example.com', 'ana+news@example.com'],
    ['さくら@example.jp', 'さくら@example.jp'],
    ['ivan@пример.рф', 'ivan@xn--e1afmkfd.xn--p1ai'],
  ])('%s → %s', (input, normal) => {
    expect(checkEmail(input)).toEqual({ email: normal });
  });

  test('a Unicode domain is the same account typed either way', async () => {
    const agent = createHttpAgent(s.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    const puny = 'ana@xn--bcher-kva.example';
    // Typed in Unicode (the mail catcher shows the domain decoded, as mail programs do)…
    await signUp({
      agent,
      uid,
      mail,
      authenticator: new SoftAuthenticator({ origin: s.issuer }),
      email: 'ana@bücher.example',
    });
    const ids = async (email: string) => {
      const a = createHttpAgent(s.issuer);
      const { uid: u } = await openInteraction(a, await rp.authorizationUrl());
      const { body } = await postJson<{ allowCredentials: { id: string }[] }>(
        a,
        `/interaction/${u}/passkey/options`,
        { email },
      );
      return body.allowCredentials.map((c) => c.id);
    };
    // …stored in punycode.
    const real = (
      await s.sesame.credentials.forAccount((await s.sesame.accounts.findByEmail(puny))!.id)
    ).map((c) => c.id);
    expect(await ids('Ana@Bücher.example')).toEqual(real);
    expect(await ids(puny)).toEqual(real);
    // Signing up again with the Unicode spelling meets the existing account.
    expect((await signUpForm('ana@BÜCHER.example')).res.status).toBe(303);
    const notice = await mail.waitFor('ana@bücher.example', (m) =>
      m.text.includes('already have one'),
    );
    expect(notice.text).not.toMatch(/\b\d{6}\b/);
  });
});

describe('mail limits per mailbox', () => {
  test('plus-addressed variants share one allowance', async () => {
    for (const tag of ['1', '2', '3'])
      expect((await signUpForm(`bo+${tag}@example.com`)).res.status).toBe(303);
    expect((await signUpForm('bo+4@example.com')).res.status).toBe(429);
    expect((await signUpForm('bo@example.com')).res.status).toBe(429);
    // Another mailbox is not affected.
    expect((await signUpForm('bob@example.com')).res.status).toBe(303);
  });
});
