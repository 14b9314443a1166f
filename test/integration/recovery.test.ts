import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { recoveryTokenHash, type RecoveryToken } from '../../src/accounts/recoveryTokens.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { mailLinks, startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  openInteraction,
  postJson,
  signIn,
  signUpPerson,
} from '../support/passkeyFlows.js';
import {
  completeRecovery,
  recoveryLinkFor,
  requestRecovery,
  tokenOf,
} from '../support/recoveryFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const RP_NAME = 'Acme ID';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) RecoveryTest/1.0';

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url, RP_NAME });
  rp = await connectRp(sesame, { name: 'Notes', redirectUris: [REDIRECT] });
});

afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

let counter = 0;
/** Someone with an account and one passkey (authenticator A). */
async function person() {
  const { email, authenticator, sub } = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: `lost${++counter}@example.com`, name: 'Lost Person' },
  );
  return { email, authenticator, accountId: sub };
}

/** A browser at the sign-in page that asks for a recovery link; returns it with the mailed link. */
async function askForLink(email: string): Promise<{ agent: HttpAgent; uid: string; link: string }> {
  const agent = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  const res = await requestRecovery(agent, sesame.issuer, uid, email, { 'User-Agent': UA });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(`/interaction/${uid}/recovery/sent`);
  return { agent, uid, link: await recoveryLinkFor(mail, email, sesame.issuer) };
}

async function tokenDoc(link: string): Promise<RecoveryToken | undefined> {
  const col = await sesame.store.collection<RecoveryToken>({ name: 'recovery_tokens' });
  return col.get(recoveryTokenHash(tokenOf(link)));
}

async function passkeyCount(accountId: string): Promise<number> {
  return (await sesame.sesame.credentials.forAccount(accountId)).length;
}

async function signsIn(authenticator: SoftAuthenticator): Promise<string> {
  const agent = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl({ prompt: 'login' }));
  const result = await signIn({ agent, uid, authenticator });
  expect(result.status).toBe(200);
  const { callback } = await continueToCallback(agent, result.body.redirectTo!, REDIRECT);
  return (await rp.exchange(callback)).claims()!.sub;
}

describe('self-service recovery (SPEC §4)', () => {
  test('the sign-in page links to "Lost your passkey?", a form with Email and "Send link"', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const { uid, html } = await openInteraction(agent, await rp.authorizationUrl());
    expect(html).toMatch(
      new RegExp(`<a href="/interaction/${uid}/recovery"[^>]*>Lost your passkey\\?</a>`),
    );
    const page = await (await agent.request(`/interaction/${uid}/recovery`)).text();
    expect(page).toMatch(/<label for="email">Email<\/label>/);
    expect(page).toMatch(/name="email"/);
    expect(page).toMatch(/<button type="submit" class="primary">Send link<\/button>/);
    expect(page).toMatch(/name="_csrf" value="[^"]+"/);
  });

  test('happy path: the mailed link adds a new passkey, signs this browser in to the app, and old and new passkeys both work', async () => {
    const p = await person();
    const { agent, link } = await askForLink(p.email);
    expect(link.startsWith(`${sesame.issuer}/recovery?token=`)).toBe(true);
    const page = await agent.request(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(
      /<button type="submit" class="primary">Create passkey<\/button>/,
    );

    const replacement = new SoftAuthenticator({ origin: sesame.issuer });
    const result = await completeRecovery(agent, sesame.issuer, link, replacement, {
      'User-Agent': UA,
    });
    expect(result.status).toBe(200);
    // Same browser, interaction still open: straight back to the app, signed in.
    const { callback } = await continueToCallback(agent, result.body.redirectTo!, REDIRECT);
    const tokens = await rp.exchange(callback);
    expect(tokens.claims()!.sub).toBe(p.accountId);
    expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['pop', 'user', 'mfa']));

    expect(await passkeyCount(p.accountId)).toBe(2);
    expect(await signsIn(replacement)).toBe(p.accountId);
    expect(await signsIn(p.authenticator)).toBe(p.accountId);

    const events = await sesame.sesame.audit.forAccount(p.accountId);
    const newId = replacement.credentials[0]!.id;
    for (const type of ['recovery_requested', 'recovery_used', 'passkey_added'] as const) {
      const event = events.find(
        (e) => e.type === type && (type === 'recovery_requested' || e.credentialId === newId),
      );
      expect(event).toBeDefined();
      expect(event!.ip).toMatch(/127\.0\.0\.1/);
      expect(event!.userAgent).toBe(UA);
    }
    expect(events.find((e) => e.type === 'signin' && e.credentialId === newId)).toBeDefined();
  });

  test('opening the link (as mail scanners do) and asking for options do not spend it', async () => {
    const p = await person();
    const { agent, link } = await askForLink(p.email);
    const scanner = createHttpAgent(sesame.issuer);
    for (let i = 0; i < 3; i++) expect((await scanner.request(link)).status).toBe(200);
    expect((await postJson(scanner, '/recovery/options', { token: tokenOf(link) })).status).toBe(
      200,
    );
    expect(await tokenDoc(link)).toBeDefined();
    const result = await completeRecovery(
      agent,
      sesame.issuer,
      link,
      new SoftAuthenticator({ origin: sesame.issuer }),
    );
    expect(result.status).toBe(200);
    expect(await tokenDoc(link)).toBeUndefined();
  });

  test('the link is one-time, stored only as a hash, bound to the account, and valid 15 minutes', async () => {
    const p = await person();
    const { link } = await askForLink(p.email);
    const token = tokenOf(link);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const doc = (await tokenDoc(link))!;
    expect(doc.accountId).toBe(p.accountId);
    expect(doc.expiresAt - doc.createdAt).toBe(15 * 60 * 1000);
    expect(JSON.stringify(doc)).not.toContain(token);
    // The token never reaches the logs.
    expect(sesame.logLines.join('\n')).not.toContain(token);
  });

  test('the options exclude the account’s passkeys and use its user handle', async () => {
    const p = await person();
    const { link } = await askForLink(p.email);
    const agent = createHttpAgent(sesame.issuer);
    const { body } = await postJson<{
      excludeCredentials: { id: string }[];
      user: { id: string; name: string };
      authenticatorSelection: { userVerification: string };
    }>(agent, '/recovery/options', { token: tokenOf(link) });
    expect(body.excludeCredentials.map((c) => c.id)).toEqual([p.authenticator.credentials[0]!.id]);
    expect(Buffer.from(body.user.id, 'base64url').toString('utf8')).toBe(p.accountId);
    expect(body.user.name).toBe(p.email);
    expect(body.authenticatorSelection.userVerification).toBe('required');
  });

  test('in another browser (no sign-in to finish) the page says the passkey is ready', async () => {
    const p = await person();
    const { link } = await askForLink(p.email);
    const phone = createHttpAgent(sesame.issuer);
    const replacement = new SoftAuthenticator({ origin: sesame.issuer });
    const result = await completeRecovery(phone, sesame.issuer, link, replacement);
    expect(result.status).toBe(200);
    expect(result.body.redirectTo).toBe('/recovery/done');
    const done = await (await phone.request(result.body.redirectTo!)).text();
    expect(done).toContain('Your new passkey is ready — go back to the app and sign in with it');
    expect(await signsIn(replacement)).toBe(p.accountId);
  });

  test('the recovery mail and the separate notice mail: text and HTML, RP name in the subject, links from ISSUER', async () => {
    const p = await person();
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    await requestRecovery(agent, sesame.issuer, uid, p.email);
    const linkMail = await mail.waitFor(p.email, (m) =>
      m.subject.startsWith('Create a new passkey'),
    );
    expect(linkMail.subject).toBe(`Create a new passkey — ${RP_NAME}`);
    expect(linkMail.html).toContain('Create a new passkey');
    const link = mailLinks(linkMail, `${sesame.issuer}/recovery?token=`)[0]!;
    expect(linkMail.html).toContain(`href="${link}"`);
    expect(linkMail.text).toContain('15 minutes');
    expect(linkMail.text).not.toMatch(/(?<!\d)\d{6}(?!\d)/);
    for (const l of mailLinks(linkMail)) expect(l.startsWith(sesame.issuer)).toBe(true);

    const result = await completeRecovery(
      agent,
      sesame.issuer,
      link,
      new SoftAuthenticator({ origin: sesame.issuer }),
      { 'User-Agent': UA },
    );
    expect(result.status).toBe(200);
    const notice = await mail.waitFor(p.email, (m) => m.subject.includes('passkey was added'));
    expect(notice.subject).toBe(`A passkey was added to your account — ${RP_NAME}`);
    expect(notice.text).toContain('added to your Acme ID account with a recovery link');
    // Sesame's words for the browser (describeUserAgent), never the User-Agent text itself.
    expect(notice.text).toContain('Browser: Linux');
    expect(notice.text).not.toContain('RecoveryTest');
    expect(notice.text).toMatch(/IP address: \S*127\.0\.0\.1/);
    expect(notice.text).toMatch(/When: \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M UTC/);
    expect(notice.html).toContain('Linux');
    expect(notice.html).not.toContain('RecoveryTest');
    expect(notice.html).toContain('127.0.0.1');
    for (const l of mailLinks(notice)) expect(l.startsWith(sesame.issuer)).toBe(true);
    expect(notice.text).not.toContain(tokenOf(link));
  });

  test('an expired link shows a clear page, gives no options and adds nothing', async () => {
    const p = await person();
    const { agent, link } = await askForLink(p.email);
    // Options taken while the link worked; then 15 minutes pass.
    const { body: options } = await postJson(agent, '/recovery/options', { token: tokenOf(link) });
    const col = await sesame.store.collection<RecoveryToken>({ name: 'recovery_tokens' });
    const doc = (await tokenDoc(link))!;
    await col.upsert({ ...doc, expiresAt: Date.now() - 1 });

    const page = await agent.request(link);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This recovery link has expired or was already used.');
    const refused = await postJson(agent, '/recovery/options', { token: tokenOf(link) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'link_expired' });
    const response = new SoftAuthenticator({ origin: sesame.issuer }).createCredential(
      options as never,
    );
    const verify = await postJson(agent, '/recovery/verify', { token: tokenOf(link), response });
    expect(verify.status).toBe(400);
    expect(verify.body).toMatchObject({ error: 'link_expired' });
    expect(await passkeyCount(p.accountId)).toBe(1);
  });

  test('a used link fails the second time, and of two concurrent verifies exactly one succeeds', async () => {
    const p = await person();
    const { agent, link } = await askForLink(p.email);
    const token = tokenOf(link);
    const [b, c] = [0, 1].map(() => new SoftAuthenticator({ origin: sesame.issuer }));
    const optionsB = await postJson(agent, '/recovery/options', { token });
    const optionsC = await postJson(agent, '/recovery/options', { token });
    const results = await Promise.all([
      postJson(agent, '/recovery/verify', {
        token,
        response: b!.createCredential(optionsB.body as never),
      }),
      postJson(agent, '/recovery/verify', {
        token,
        response: c!.createCredential(optionsC.body as never),
      }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(results.find((r) => r.status === 400)!.body).toMatchObject({ error: 'link_expired' });
    expect(await passkeyCount(p.accountId)).toBe(2);
    const used = await sesame.sesame.audit.forAccount(p.accountId);
    expect(used.filter((e) => e.type === 'recovery_used')).toHaveLength(1);

    // And afterwards the link is dead.
    expect((await agent.request(link)).status).toBe(410);
    const again = await postJson(agent, '/recovery/options', { token });
    expect(again.status).toBe(400);
  });

  test('a passkey registered to another account is refused, and the link keeps working', async () => {
    const p = await person();
    const other = await person();
    const { agent, link } = await askForLink(p.email);
    const token = tokenOf(link);
    const { body: options } = await postJson(agent, '/recovery/options', { token });
    const response = new SoftAuthenticator({ origin: sesame.issuer }).createCredential(
      options as never,
      { credentialId: other.authenticator.credentials[0]!.id },
    );
    const refused = await postJson(agent, '/recovery/verify', { token, response });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'passkey_exists' });
    expect(await passkeyCount(p.accountId)).toBe(1);
    expect(await tokenDoc(link)).toBeDefined();
    const retry = await completeRecovery(
      agent,
      sesame.issuer,
      link,
      new SoftAuthenticator({ origin: sesame.issuer }),
    );
    expect(retry.status).toBe(200);
  });

  test('a disabled account: the request behaves like an unknown email (no mail) and an earlier link stops working', async () => {
    const p = await person();
    const { agent, link } = await askForLink(p.email);
    const { body: options } = await postJson(agent, '/recovery/options', { token: tokenOf(link) });
    const account = (await sesame.sesame.accounts.get(p.accountId))!;
    await sesame.sesame.accounts.update({ ...account, disabled: true });

    expect((await agent.request(link)).status).toBe(410);
    expect((await postJson(agent, '/recovery/options', { token: tokenOf(link) })).status).toBe(400);
    const response = new SoftAuthenticator({ origin: sesame.issuer }).createCredential(
      options as never,
    );
    const verify = await postJson(agent, '/recovery/verify', { token: tokenOf(link), response });
    expect(verify.status).toBe(400);
    expect(await passkeyCount(p.accountId)).toBe(1);

    const before = mail.messages.length;
    const fresh = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(fresh, await rp.authorizationUrl());
    const res = await requestRecovery(fresh, sesame.issuer, uid, p.email);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/interaction/${uid}/recovery/sent`);
    await sesame.sesame.tasks.idle(); // every mail the request caused has been handed over
    expect(mail.messages.slice(before).filter((m) => m.to === p.email)).toHaveLength(0);
  });

  test('the form refuses a missing CSRF token and shows a bad address in words', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    const noCsrf = await agent.postForm(`/interaction/${uid}/recovery`, { email: 'a@example.com' });
    expect(noCsrf.status).toBe(403);
    const bad = await requestRecovery(agent, sesame.issuer, uid, 'not-an-email');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Enter a valid email address');
  });

  test('a malformed link is a clear page, and hostile JSON is refused before any lookup', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const page = await agent.request('/recovery?token=short');
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('This link no longer works');
    const extra = await postJson(agent, '/recovery/options', { token: 'x'.repeat(43), more: 1 });
    expect(extra.status).toBe(400);
    const wrongType = await agent.request('/recovery/options', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: sesame.issuer },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    const crossSite = await agent.request('/recovery/verify', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
  });
});
