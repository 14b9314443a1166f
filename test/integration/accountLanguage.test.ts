import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { loadCatalogue } from '../../src/i18n/catalogue.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { csrfOf, openInteraction, signUpPerson, startSignUp } from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const catalogue = loadCatalogue({ defaultLocale: 'en' });
const t = (locale: string, key: string) => catalogue.t(locale, key, { rpName: 'Sesame' });

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url });
  rp = await connectRp(sesame, { name: 'Photo Album', redirectUris: [REDIRECT] });
});

afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

let counter = 0;
async function person() {
  return signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: `lang${++counter}@example.com`, name: 'Lou' },
  );
}

async function csrf(agent: ReturnType<typeof createHttpAgent>): Promise<string> {
  const res = await agent.request('/account');
  expect(res.status).toBe(200);
  return csrfOf(await res.text());
}

describe('the account’s language (SPEC §13)', () => {
  test('is saved from /account, then mails and pages use it', async () => {
    const p = await person();
    expect((await sesame.sesame.accounts.findByEmail(p.email))?.locale).toBe('en');
    const res = await p.agent.postForm('/account/language', {
      _csrf: await csrf(p.agent),
      locale: 'fr',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?done=language');
    expect((await sesame.sesame.accounts.findByEmail(p.email))?.locale).toBe('fr');
    const page = await (await p.agent.request('/account?done=language')).text();
    expect(page).toContain('<html lang="fr"');
    expect(page).toContain(t('fr', 'account.notice.language'));

    // Someone tries to sign up with the address from an English browser: the mail the
    // account holder gets is in French.
    const other = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(other, await rp.authorizationUrl({ scope: 'openid' }));
    expect((await startSignUp(other, uid, p.email, 'Someone')).status).toBe(303);
    const notice = await mail.waitFor(p.email, (m) =>
      m.text.includes(t('fr', 'mail.signupExisting.intro').slice(0, 40)),
    );
    expect(notice.subject).toBe(`${t('fr', 'mail.signupExisting.subject')} — Sesame`);
    expect(notice.html).toContain('lang="fr"');
  });

  test('is refused without the form’s CSRF token or a session, and for an unknown language', async () => {
    const p = await person();
    const forged = await p.agent.postForm('/account/language', { _csrf: 'forged', locale: 'de' });
    expect(forged.status).toBe(403);
    const unknown = await p.agent.postForm('/account/language', {
      _csrf: await csrf(p.agent),
      locale: 'xx',
    });
    expect(unknown.status).toBe(303);
    expect(unknown.headers.get('location')).toBe('/account?done=language_unknown');
    expect((await sesame.sesame.accounts.findByEmail(p.email))?.locale).toBe('en');
    const stranger = createHttpAgent(sesame.issuer);
    const signedOut = await stranger.postForm('/account/language', { locale: 'de' });
    expect(signedOut.status).toBe(401);
  });
});
