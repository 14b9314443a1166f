import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { hashedAccountId } from '../../src/accounts/auditLog.js';
import { startCallbackServer, type CallbackServer } from '../support/callbackServer.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { mailCode, startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  csrfOf,
  openInteraction,
  postJson,
  signIn,
  signUpPerson,
} from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { groupTraces, joinGroupWithClaim } from '../support/groupTraces.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

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
async function person(email = `self${++counter}@example.com`) {
  const p = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    {
      email,
      name: 'Pat User',
      authorizationParams: { scope: 'openid email profile offline_access', prompt: 'consent' },
    },
  );
  return { ...p, accountId: p.sub };
}

async function csrfFor(agent: HttpAgent): Promise<string> {
  const res = await agent.request('/account');
  expect(res.status).toBe(200);
  return csrfOf(await res.text());
}

/** Signs the person in to the app again (a fresh browser session) and returns the tokens. */
async function signInAgain(p: Awaited<ReturnType<typeof person>>) {
  const agent = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  const result = await signIn({ agent, uid, authenticator: p.authenticator });
  const { callback } = await continueToCallback(agent, result.body.redirectTo!, REDIRECT);
  return rp.exchange(callback);
}

describe('edit name', () => {
  test('the new name reaches the app’s next ID token', async () => {
    const p = await person();
    const csrf = await csrfFor(p.agent);
    const res = await p.agent.postForm('/account/name', { _csrf: csrf, name: '  Sam Smith ' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?done=name');
    expect((await signInAgain(p)).claims()!.name).toBe('Sam Smith');
  });

  test('an empty name is refused in words, and a scripted post gets JSON', async () => {
    const p = await person();
    const csrf = await csrfFor(p.agent);
    const res = await p.agent.request('/account/name', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        Origin: sesame.issuer,
      },
      body: new URLSearchParams({ _csrf: csrf, name: '   ' }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Enter your name.',
    });
    expect((await sesame.sesame.accounts.get(p.accountId))!.name).toBe('Pat User');
  });
});

describe('change email', () => {
  test('needs the code sent to the new address; the old address is told', async () => {
    const p = await person();
    const csrf = await csrfFor(p.agent);
    const newEmail = `moved${counter}@example.com`;
    const start = await p.agent.postForm('/account/email', { _csrf: csrf, email: newEmail });
    expect(start.status).toBe(303);
    const codeMail = await mail.waitFor(newEmail);
    const code = mailCode(codeMail);
    expect(codeMail.subject).toContain(code);
    // Nothing changes before the code is entered.
    expect((await sesame.sesame.accounts.get(p.accountId))!.email).toBe(p.email);
    const page = await (await p.agent.request('/account')).text();
    expect(page).toContain('for="email-code">Code<');
    expect(page).toContain(newEmail);

    const wrong = await p.agent.postForm('/account/email/confirm', {
      _csrf: csrf,
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect((await sesame.sesame.accounts.get(p.accountId))!.email).toBe(p.email);

    const done = await p.agent.postForm('/account/email/confirm', { _csrf: csrf, code });
    expect(done.headers.get('location')).toBe('/account?done=email');
    expect((await sesame.sesame.accounts.get(p.accountId))!.email).toBe(newEmail);
    const notice = await mail.waitFor(p.email, (m) => m.subject.includes('changed'));
    expect(notice.text).toContain(newEmail);
    expect((await signInAgain(p)).claims()!.email).toBe(newEmail);
  });

  test('an address with an account gets a note and no code, and nothing changes', async () => {
    const owner = await person();
    const p = await person();
    const csrf = await csrfFor(p.agent);
    const res = await p.agent.postForm('/account/email', { _csrf: csrf, email: owner.email });
    expect(res.status).toBe(303);
    const note = await mail.waitFor(owner.email, (m) => m.subject.includes('tried'));
    expect(note.text).not.toMatch(/\b\d{6}\b/);
    for (const code of ['000000', '123456']) {
      const tried = await p.agent.postForm('/account/email/confirm', { _csrf: csrf, code });
      expect(tried.status).toBe(400);
    }
    expect((await sesame.sesame.accounts.get(p.accountId))!.email).toBe(p.email);
  });
});

describe('download my data', () => {
  test('one JSON file with account, passkeys, groups, apps and activity', async () => {
    const p = await person();
    const csrf = await csrfFor(p.agent);
    const res = await p.agent.postForm('/account/data', { _csrf: csrf });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="sesame-data-/);
    const data = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(['account', 'activity', 'apps', 'groups', 'passkeys']);
    expect(data.account).toMatchObject({ sub: p.accountId, email: p.email, name: 'Pat User' });
    expect(data.passkeys).toEqual([
      expect.objectContaining({ id: p.authenticator.credentials[0]!.id }),
    ]);
    expect(data.groups).toEqual([]);
    expect(data.apps).toEqual([expect.objectContaining({ name: 'Photo Album' })]);
    expect((data.activity as { type: string }[]).map((e) => e.type)).toEqual(
      expect.arrayContaining(['signup', 'passkey_added']),
    );
  });

  test('needs the page’s CSRF token', async () => {
    const p = await person();
    const res = await p.agent.postForm('/account/data', { _csrf: 'forged' });
    expect(res.status).toBe(403);
  });
});

describe('delete account', () => {
  async function deleteWith(p: Awaited<ReturnType<typeof person>>, typed: string) {
    const csrf = await csrfFor(p.agent);
    const options = await postJson(p.agent, '/account/delete/options', {
      _csrf: csrf,
      email: typed,
    });
    if (options.status !== 200) return options;
    const response = p.authenticator.getAssertion(options.body as never);
    return postJson(p.agent, '/account/delete/verify', { _csrf: csrf, email: typed, response });
  }

  test('a wrong typed email is refused and nothing is deleted', async () => {
    const p = await person();
    const res = await deleteWith(p, 'someone@example.com');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'email_mismatch' });
    expect(await sesame.sesame.accounts.get(p.accountId)).toBeDefined();
  });

  test('ends sessions and tokens with back-channel logout, mails goodbye; the email can sign up anew', async () => {
    const p = await person();
    const logout = callbacks.nextBackchannelLogout(5000);
    const res = await deleteWith(p, p.email.toUpperCase());
    expect(res).toEqual({ status: 200, body: { redirectTo: '/goodbye' } });
    expect(
      JSON.parse(Buffer.from((await logout).split('.')[1]!, 'base64url').toString()),
    ).toMatchObject({
      sub: p.accountId,
    });
    await expect(rp.refresh(p.tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(await sesame.sesame.accounts.get(p.accountId)).toBeUndefined();
    expect(await sesame.sesame.credentials.forAccount(p.accountId)).toEqual([]);
    expect(await sesame.sesame.audit.forAccount(p.accountId)).toEqual([]);
    const kept = await sesame.sesame.audit.forAccount(hashedAccountId(p.accountId));
    expect(kept.map((e) => e.type)).toContain('account_deleted');
    expect(JSON.stringify(kept)).not.toContain(p.accountId);
    expect(JSON.stringify(kept)).not.toContain('127.0.0.1');
    await mail.waitFor(p.email, (m) => m.subject.includes('deleted'));
    const page = await p.agent.request('/account');
    expect(page.status).toBe(303);

    const again = await person(p.email);
    expect(again.accountId).not.toBe(p.accountId);
  });

  test('removes the person’s group memberships and custom claims', async () => {
    const p = await person();
    await joinGroupWithClaim(sesame.sesame.admin, 'self-deleted', p.email);
    expect((await groupTraces(sesame.store, p.accountId)).groups).toEqual(['self-deleted']);
    expect((await deleteWith(p, p.email)).status).toBe(200);
    expect(await groupTraces(sesame.store, p.accountId)).toEqual({ groups: [], claims: {} });
    expect((await sesame.sesame.admin.groups.show('self-deleted')).members).toEqual([]);
  });

  test('a passkey of another account cannot confirm the deletion', async () => {
    const p = await person();
    const other = await person();
    const csrf = await csrfFor(p.agent);
    const options = await postJson(p.agent, '/account/delete/options', {
      _csrf: csrf,
      email: p.email,
    });
    // The other person's authenticator answers the same challenge with its own passkey.
    const response = other.authenticator.getAssertion({
      ...options.body,
      allowCredentials: [],
    } as never);
    const res = await postJson(p.agent, '/account/delete/verify', {
      _csrf: csrf,
      email: p.email,
      response,
    });
    expect(res.status).toBe(400);
    expect(await sesame.sesame.accounts.get(p.accountId)).toBeDefined();
  });
});

describe('sessions', () => {
  test('each browser is listed and can be signed out on its own', async () => {
    const p = await person();
    const laptop = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(laptop, await rp.authorizationUrl());
    const signed = await signIn({ agent: laptop, uid, authenticator: p.authenticator });
    await continueToCallback(laptop, signed.body.redirectTo!, REDIRECT);
    const html = await (await p.agent.request('/account')).text();
    const forms = [...html.matchAll(/\/account\/sessions\/([\w-]+)\/sign-out/g)].map((m) => m[1]!);
    expect(forms).toHaveLength(2);
    // This browser first; the other one is the laptop.
    const logout = callbacks.nextBackchannelLogout(5000);
    const res = await p.agent.postForm(`/account/sessions/${forms[1]}/sign-out`, {
      _csrf: csrfOf(html),
    });
    expect(res.headers.get('location')).toBe('/account?done=session');
    await logout;
    expect((await laptop.request('/account')).status).toBe(303);
    expect((await p.agent.request('/account')).status).toBe(200);
    const own = await p.agent.postForm(`/account/sessions/${forms[0]}/sign-out`, {
      _csrf: csrfOf(html),
    });
    expect(own.headers.get('location')).toBe('/signed-out');
    expect((await p.agent.request('/account')).status).toBe(303);
  });
});
