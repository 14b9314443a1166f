/**
 * No stranger's words in Sesame's mails: whoever types into a form cannot make Sesame send
 * their text to an address, and only facts Sesame words itself reach an account's mailbox.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ROOT_DIR } from '../../src/config/paths.js';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { mailCode, type Mail } from '../support/mailCatcher.js';
import { openInteraction, startSignUp } from '../support/passkeyFlows.js';
import { completeRecovery, recoveryLinkFor, requestRecovery } from '../support/recoveryFlows.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

const PHISH = 'Your account is locked. Reset it at https://evil.example/reset';

function expectNoPhish(mail: Mail) {
  for (const part of [mail.subject, mail.text, mail.html]) {
    expect(part).not.toContain('evil.example');
    expect(part).not.toContain('account is locked');
  }
}

describe('sign-up mails go to addresses that have proven nothing', () => {
  test('the code mail does not carry the Name typed on the form', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const { uid } = await openInteraction(agent, await c.rp.authorizationUrl());
    const res = await startSignUp(agent, uid, 'victim@example.com', PHISH);
    expect(res.status).toBe(303);
    const mail = await c.mail.waitFor('victim@example.com');
    expect(mailCode(mail)).toMatch(/^\d{6}$/);
    expectNoPhish(mail);
  });

  test('the "account exists" mail does not carry it either', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const { uid } = await openInteraction(agent, await c.rp.authorizationUrl());
    const res = await startSignUp(agent, uid, c.person.email, PHISH);
    expect(res.status).toBe(303);
    const mail = await c.mail.waitFor(c.person.email, (m) => m.text.includes('already have one'));
    expectNoPhish(mail);
  });
});

describe('account mails carry only what Sesame words itself', () => {
  test('the "passkey added" notice names the browser, not the User-Agent text it was sent', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const { uid } = await openInteraction(agent, await c.rp.authorizationUrl());
    expect((await requestRecovery(agent, c.sesame.issuer, uid, c.person.email)).status).toBe(303);
    const link = await recoveryLinkFor(c.mail, c.person.email, c.sesame.issuer);
    const other = createHttpAgent(c.sesame.issuer);
    const done = await completeRecovery(
      other,
      c.sesame.issuer,
      link,
      new SoftAuthenticator({ origin: c.sesame.issuer }),
      { 'User-Agent': `Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 ${PHISH}` },
    );
    expect(done.status).toBe(200);
    const notice = await c.mail.waitFor(c.person.email, (m) =>
      m.subject.startsWith('A passkey was added'),
    );
    expect(notice.text).toContain('Chrome on Linux');
    expectNoPhish(notice);
  });
});

describe('every mail template', () => {
  /** Mails that only ever go to an account's verified address; they may greet by its name. */
  const TO_VERIFIED_ADDRESS = new Set([
    'recoveryIssued',
    'recoveryLink',
    'recoveryUsed',
    // The old, verified address after an email change; the account's address when it is deleted.
    'emailChanged',
    'accountDeleted',
  ]);
  const dir = path.join(ROOT_DIR, 'views', 'mail');
  const templates = readdirSync(dir).filter((f) => /\.(html|txt)\.njk$/.test(f));

  const usesName = (file: string) =>
    [...readFileSync(path.join(dir, file), 'utf8').matchAll(/{{([\s\S]*?)}}/g)].some((m) =>
      /(?<![.'"\w])name\b(?!\s*:)/.test(m[1]!),
    );

  test('the check sees a greeting by name where there is one', () => {
    expect(usesName('recoveryLink.txt.njk')).toBe(true);
    expect(usesName('signupCode.txt.njk')).toBe(false);
  });

  test.each(templates)('%s uses a typed name only if it goes to a verified address', (file) => {
    if (usesName(file)) expect(TO_VERIFIED_ADDRESS).toContain(file.split('.')[0]);
  });
});
