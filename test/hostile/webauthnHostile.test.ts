import { describe, expect, test } from '@jest/globals';
import { useSesameWithApp } from '../support/sesameWithApp.js';
import type { RunningSesame } from '../support/startSesame.js';
import type { MailCatcher } from '../support/mailCatcher.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import type { RelyingParty } from '../support/relyingParty.js';
import { SoftAuthenticator, type SoftAuthenticatorOptions } from '../support/softAuthenticator.js';
import {
  openInteraction,
  postJson,
  signUp,
  signUpPerson,
  startSignUp,
} from '../support/passkeyFlows.js';
import { mailCode } from '../support/mailCatcher.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;

useSesameWithApp('Rules', REDIRECT, (started) => ({ sesame, mail, rp } = started));

let counter = 0;
async function person(options: Partial<SoftAuthenticatorOptions> = {}) {
  const { email, authenticator, sub } = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: `rules${++counter}@example.com`, authenticator: options },
  );
  return { email, authenticator, accountId: sub };
}

async function freshInteraction(): Promise<{ agent: HttpAgent; uid: string }> {
  const agent = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  return { agent, uid };
}

async function options(agent: HttpAgent, uid: string, body: object = {}) {
  const res = await postJson(agent, `/interaction/${uid}/passkey/options`, body);
  expect(res.status).toBe(200);
  return res.body as never;
}

describe('WebAuthn rules (SPEC §6)', () => {
  test('options require user verification and offer exactly EdDSA, ES256 and RS256', async () => {
    const { agent, uid } = await freshInteraction();
    const auth = (await options(agent, uid)) as {
      userVerification: string;
      rpId: string;
      challenge: string;
    };
    expect(auth.userVerification).toBe('required');
    expect(auth.rpId).toBe('localhost');
    expect(Buffer.from(auth.challenge, 'base64url').length).toBe(32);
  });

  test('registration options offer exactly EdDSA, ES256 and RS256, require UV and a discoverable key, and hide the email from the user handle', async () => {
    const email = `regopts${++counter}@example.com`;
    const { agent, uid } = await freshInteraction();
    expect((await startSignUp(agent, uid, email, 'Reg')).status).toBe(303);
    const code = mailCode(await mail.waitFor(email));
    const res = await postJson(agent, `/interaction/${uid}/signup/options`, { code });
    expect(res.status).toBe(200);
    const opts = res.body as {
      pubKeyCredParams: { alg: number; type: string }[];
      authenticatorSelection: { userVerification: string; residentKey: string };
      attestation: string;
      rp: { id: string };
      user: { id: string; name: string };
      challenge: string;
    };
    expect(opts.pubKeyCredParams.map((p) => p.alg).sort()).toEqual([-257, -8, -7].sort());
    expect(opts.authenticatorSelection).toMatchObject({
      userVerification: 'required',
      residentKey: 'required',
    });
    expect(opts.attestation).toBe('none');
    expect(opts.rp.id).toBe('localhost');
    expect(opts.user.name).toBe(email);
    expect(Buffer.from(opts.user.id, 'base64url').toString('utf8')).not.toContain('@');
    expect(Buffer.from(opts.challenge, 'base64url').length).toBe(32);
  });

  test('an unknown credential is refused in words, and nothing is signed in', async () => {
    const stranger = new SoftAuthenticator({ origin: sesame.issuer });
    stranger.createCredential({
      rp: { id: 'localhost', name: 'x' },
      user: { id: Buffer.from('nobody').toString('base64url'), name: 'n', displayName: 'n' },
      challenge: Buffer.alloc(32).toString('base64url'),
      pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
    } as never);
    const { agent, uid } = await freshInteraction();
    const res = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: stranger.getAssertion(await options(agent, uid)),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'unknown_passkey' });
    expect(String(res.body.error_description)).toMatch(/not registered/);
  });

  test('an expired sign-up code is refused and asks to start again', async () => {
    const email = `expired${++counter}@example.com`;
    const { agent, uid } = await freshInteraction();
    await startSignUp(agent, uid, email, 'Late');
    const code = mailCode(await mail.waitFor(email));
    const codes = await sesame.store.collection<{ id: string; expiresAt: number }>({
      name: 'signup_codes',
    });
    const pending = (await codes.get(`signup:interaction:${uid}`))!;
    await codes.upsert({ ...pending, expiresAt: Date.now() - 1 });
    const res = await postJson(agent, `/interaction/${uid}/signup/options`, { code });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'code_expired' });
    expect(await sesame.sesame.accounts.findByEmail(email)).toBeUndefined();
  });

  test('a challenge is single-use: replaying the same assertion fails, and so does its second concurrent post', async () => {
    const { authenticator } = await person();
    const { agent, uid } = await freshInteraction();
    const assertion = authenticator.getAssertion(await options(agent, uid));
    const [a, b] = await Promise.all([
      postJson(agent, `/interaction/${uid}/passkey/verify`, { response: assertion }),
      postJson(agent, `/interaction/${uid}/passkey/verify`, { response: assertion }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const replay = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: assertion,
    });
    // The interaction is finished: the replay signs nobody in again and is only told where the
    // finished sign-in continues (a second ceremony on the same page gets the same answer).
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ error: 'already_signed_in' });
  });

  test('a challenge issued to one interaction cannot be used in another, and is burned by the attempt', async () => {
    const { authenticator } = await person();
    const first = await freshInteraction();
    const second = await freshInteraction();
    const assertion = authenticator.getAssertion(await options(first.agent, first.uid));
    const stolen = await postJson(second.agent, `/interaction/${second.uid}/passkey/verify`, {
      response: assertion,
    });
    expect(stolen.status).toBe(400);
    const original = await postJson(first.agent, `/interaction/${first.uid}/passkey/verify`, {
      response: assertion,
    });
    expect(original.status).toBe(400);
  });

  test('an expired challenge is refused', async () => {
    const { authenticator } = await person();
    const { agent, uid } = await freshInteraction();
    const opts = (await options(agent, uid)) as { challenge: string };
    const challenges = await sesame.store.collection<{ id: string; expiresAt: number }>({
      name: 'challenges',
    });
    const doc = (await challenges.get(opts.challenge))!;
    await challenges.upsert({ ...doc, expiresAt: Date.now() - 1 });
    const res = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: authenticator.getAssertion(opts as never),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'challenge_expired' });
  });

  test.each([
    ['wrong origin', { origin: 'https://evil.example' }],
    ['wrong RP ID', { rpId: 'evil.example' }],
    ['registration type in an assertion', { type: 'webauthn.create' }],
    ['user verification missing', { userVerified: false }],
    ['cross-origin iframe', { crossOrigin: true, topOrigin: 'https://evil.example' }],
    ['signature by another key', { signWithOtherKey: true }],
  ])('an assertion with %s is refused', async (_name, tweak) => {
    const { authenticator } = await person();
    const { agent, uid } = await freshInteraction();
    const res = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: authenticator.getAssertion(await options(agent, uid), tweak),
    });
    expect(res.status).toBe(400);
    expect(res.body).toHaveProperty('error');
  });

  test('a counter that goes backwards is refused and audited', async () => {
    const { authenticator, accountId } = await person();
    const cred = authenticator.credentials[0]!;
    const { agent, uid } = await freshInteraction();
    const ok = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: authenticator.getAssertion(await options(agent, uid)),
    });
    expect(ok.status).toBe(200);
    const next = await freshInteraction();
    const res = await postJson(next.agent, `/interaction/${next.uid}/passkey/verify`, {
      response: authenticator.getAssertion(await options(next.agent, next.uid), {
        counter: Math.max(0, cred.counter - 2),
      }),
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'passkey_cloned' });
    const events = await sesame.sesame.audit.forAccount(accountId);
    expect(events.map((e) => e.type)).toContain('counter_regression');
  });

  test('a synced passkey that reports counter 0 every time keeps working', async () => {
    const { authenticator } = await person({
      backupEligible: true,
      backupState: true,
      useCounter: false,
    });
    for (let i = 0; i < 2; i++) {
      const { agent, uid } = await freshInteraction();
      const res = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
        response: authenticator.getAssertion(await options(agent, uid)),
      });
      expect(res.status).toBe(200);
    }
  });

  test('a user handle that is not the credential’s account is refused', async () => {
    const { authenticator } = await person();
    const other = await person();
    const { agent, uid } = await freshInteraction();
    const res = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: authenticator.getAssertion(await options(agent, uid), {
        userHandle: Buffer.from(other.accountId).toString('base64url'),
      }),
    });
    expect(res.status).toBe(400);
  });

  test('email-first: a passkey of another account is refused', async () => {
    const a = await person();
    const b = await person();
    const { agent, uid } = await freshInteraction();
    const opts = await options(agent, uid, { email: a.email });
    const res = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: b.authenticator.getAssertion({
        ...(opts as object),
        allowCredentials: [],
      } as never),
    });
    expect(res.status).toBe(400);
  });

  test('a disabled account cannot sign in', async () => {
    const { authenticator, accountId } = await person();
    const account = (await sesame.sesame.accounts.get(accountId))!;
    await sesame.sesame.accounts.update({ ...account, disabled: true });
    const { agent, uid } = await freshInteraction();
    const res = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: authenticator.getAssertion(await options(agent, uid)),
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'account_disabled' });
    const emailFirst = await options(agent, uid, { email: account.email });
    // A disabled account's email-first list is the same kind of fake list as an unknown email's.
    expect(
      (emailFirst as { allowCredentials: { id: string }[] }).allowCredentials.map((c) => c.id),
    ).not.toContain(authenticator.credentials[0]!.id);
  });

  test('registration with an algorithm that was not offered is refused and creates nothing', async () => {
    const email = `alg${++counter}@example.com`;
    const authenticator = new SoftAuthenticator({ origin: sesame.issuer });
    const { agent, uid } = await freshInteraction();
    await expect(
      signUp({ agent, uid, mail, authenticator, email, tweak: { algorithm: 'ES384' } }),
    ).rejects.toThrow(/signup verify: 400/);
    expect(await sesame.sesame.accounts.findByEmail(email)).toBeUndefined();
  });

  test('a credential id already registered to another account is refused and nothing is created', async () => {
    const a = await person();
    const email = `dup${++counter}@example.com`;
    const authenticator = new SoftAuthenticator({ origin: sesame.issuer });
    const { agent, uid } = await freshInteraction();
    await expect(
      signUp({
        agent,
        uid,
        mail,
        authenticator,
        email,
        tweak: { credentialId: a.authenticator.credentials[0]!.id },
      }),
    ).rejects.toThrow(/passkey_exists/);
    expect(await sesame.sesame.accounts.findByEmail(email)).toBeUndefined();
    expect(
      (await sesame.sesame.credentials.get(a.authenticator.credentials[0]!.id))!.accountId,
    ).toBe(a.accountId);
  });

  test('sign-up with a taken email: same pages, but the mail says so and carries no code', async () => {
    const a = await person();
    const { agent, uid } = await freshInteraction();
    const page = await agent.request(`/interaction/${uid}/signup`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const res = await agent.postForm(`/interaction/${uid}/signup`, {
      email: a.email,
      name: 'Mallory',
      _csrf: csrf,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/interaction/${uid}/signup/code`);
    const message = await mail.waitFor(a.email);
    expect(message.text).not.toMatch(/\b\d{6}\b/);
    expect(message.text).toMatch(/already have one/);
    for (const code of ['000000', '123456']) {
      const attempt = await postJson(agent, `/interaction/${uid}/signup/options`, { code });
      expect(attempt.status).toBe(400);
      expect(attempt.body).toMatchObject({ error: 'wrong_code' });
    }
  });

  test('a sign-up code locks after 5 wrong tries', async () => {
    const email = `lock${++counter}@example.com`;
    const { agent, uid } = await freshInteraction();
    const page = await agent.request(`/interaction/${uid}/signup`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    await agent.postForm(`/interaction/${uid}/signup`, { email, name: 'Eve', _csrf: csrf });
    const real = /(?<!\d)\d{6}(?!\d)/.exec((await mail.waitFor(email)).text)![0];
    const wrong = real === '000000' ? '999999' : '000000';
    for (let i = 0; i < 5; i++) {
      expect(
        (await postJson(agent, `/interaction/${uid}/signup/options`, { code: wrong })).body,
      ).toMatchObject({ error: 'wrong_code' });
    }
    const locked = await postJson(agent, `/interaction/${uid}/signup/options`, { code: real });
    expect(locked.status).toBe(400);
    expect(locked.body).toMatchObject({ error: 'code_locked' });
  });

  test('the sign-up form refuses a missing CSRF token and a cross-site origin', async () => {
    const { agent, uid } = await freshInteraction();
    const noToken = await agent.postForm(`/interaction/${uid}/signup`, {
      email: 'x@example.com',
      name: 'X',
      _csrf: 'nope',
    });
    expect(noToken.status).toBe(403);
    const crossSite = await agent.request(`/interaction/${uid}/passkey/options`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Origin: 'https://evil.example',
      },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
  });

  test('hostile JSON is refused with 400/413/415 before anything is looked up', async () => {
    const { agent, uid } = await freshInteraction();
    const bad = await postJson(agent, `/interaction/${uid}/passkey/options`, {
      email: { $ne: null },
    });
    expect(bad.status).toBe(400);
    const extra = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: { id: { $gt: '' } },
    });
    expect(extra.status).toBe(400);
    const big = await postJson(agent, `/interaction/${uid}/passkey/options`, {
      email: 'a'.repeat(20_000),
    });
    expect(big.status).toBe(413);
    const form = await agent.request(`/interaction/${uid}/passkey/options`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Accept: 'application/json' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const longId = 'A'.repeat(1400);
    const tooLong = await postJson(agent, `/interaction/${uid}/passkey/verify`, {
      response: {
        id: longId,
        rawId: longId,
        type: 'public-key',
        clientExtensionResults: {},
        response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
      },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error_description).toMatch(/too long/);
  });
});
