import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { csrfOf, openInteraction, postJson, signUpPerson } from '../support/passkeyFlows.js';
import { recoveryLinkFor, requestRecovery } from '../support/recoveryFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

/**
 * No account enumeration anywhere (SPEC §4): for every page and call that takes an email, the
 * answer for an address with an account and for one without is compared field by field.
 */

const REDIRECT = 'http://127.0.0.1:9/callback';

/**
 * A TCP relay in front of the SMTP catcher that can be held shut: while held, connections wait
 * and no mail can be delivered — so a response that arrives meanwhile provably did not wait for
 * a mail.
 */
async function startSmtpGate(target: number): Promise<{
  url: string;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}> {
  let open: Promise<void> = Promise.resolve();
  let release = () => {};
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    void open.then(() => {
      const upstream = connect(target, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.resume();
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    hold() {
      open = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        release();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let sesame: RunningSesame;
let mail: MailCatcher;
let gate: Awaited<ReturnType<typeof startSmtpGate>>;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  gate = await startSmtpGate(mail.port);
  sesame = await startSesame({ SMTP_URL: gate.url });
  rp = await connectRp(sesame, { name: 'Enum', redirectUris: [REDIRECT] });
});

afterAll(async () => {
  await sesame?.close();
  await gate?.close();
  await mail?.close();
});

let counter = 0;
async function person() {
  const { email, authenticator, sub } = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: `real${++counter}@example.com` },
  );
  return { email, authenticator, accountId: sub };
}

async function interaction(params: Record<string, string> = {}) {
  const agent = createHttpAgent(sesame.issuer);
  const opened = await openInteraction(agent, await rp.authorizationUrl(params));
  return { agent, ...opened };
}

/** Headers whose values vary per request by nature (ids, dates, nonces) are compared by presence. */
const VARYING = new Set(['date', 'x-request-id', 'content-security-policy', 'set-cookie']);

/** Everything about a response that could tell two inputs apart, with per-request noise masked. */
async function shape(res: Response, mask: Array<[string | RegExp, string]> = []) {
  let body = await res.text();
  for (const [from, to] of mask) body = body.split(from as string).join(to);
  body = body.replace(/nonce="[^"]+"/g, 'nonce="N"');
  const headers: Record<string, string> = {};
  for (const [name, value] of res.headers) {
    headers[name] = VARYING.has(name) ? '(present)' : value;
  }
  for (const [from, to] of mask) {
    for (const k of Object.keys(headers)) headers[k] = headers[k]!.split(from as string).join(to);
  }
  const csp = res.headers.get('content-security-policy') ?? '';
  return {
    status: res.status,
    headers,
    csp: csp.replace(/'nonce-[^']+'/g, "'nonce-N'"),
    cookies: res.headers.getSetCookie().map((c) => c.split('=')[0]),
    body,
    length: body.length,
  };
}

describe('no account enumeration (SPEC §4)', () => {
  test('sign-up with a taken email: same 303 and same pages as a new email; only the mail differs', async () => {
    const taken = await person();
    // Same length, so even content lengths must agree.
    const fresh = taken.email.replace(/^real/, 'free');
    expect(fresh.length).toBe(taken.email.length);
    const run = async (email: string) => {
      const { agent, uid } = await interaction();
      const form = await agent.request(`/interaction/${uid}/signup`);
      const csrf = csrfOf(await form.clone().text());
      const formShape = await shape(form, [
        [uid, 'UID'],
        [csrf, 'CSRF'],
      ]);
      const post = await agent.postForm(`/interaction/${uid}/signup`, {
        email,
        name: 'Someone',
        _csrf: csrf,
      });
      const postShape = await shape(post, [[uid, 'UID']]);
      const code = await agent.request(`/interaction/${uid}/signup/code`);
      const codeShape = await shape(code, [
        [uid, 'UID'],
        [email, 'EMAIL'],
      ]);
      const wrong = await postJson(agent, `/interaction/${uid}/signup/options`, {
        code: '000000',
      });
      return { formShape, postShape, codeShape, wrong, mail: await mail.waitFor(email) };
    };
    const a = await run(taken.email);
    const b = await run(fresh);
    expect(a.postShape).toEqual(b.postShape);
    expect(a.postShape.status).toBe(303);
    expect(a.formShape).toEqual(b.formShape);
    expect(a.codeShape).toEqual(b.codeShape);
    expect(a.codeShape.status).toBe(200);
    // A wrong code is "wrong" for both (the taken address has no code at all).
    expect(a.wrong).toEqual(b.wrong);
    expect(a.wrong.status).toBe(400);
    // The mails differ (each goes only to the address's owner): the owner learns someone tried;
    // no code for the taken address, and the new address's code is in its subject (SPEC §13).
    expect(a.mail.subject).toBe('Someone tried to sign up with your address — Sesame');
    expect(a.mail.subject).not.toMatch(/\d{6}/);
    expect(b.mail.subject).toMatch(/^\d{6} is your sign-up code — Sesame$/);
    expect(a.mail.text).toMatch(/already have one/);
    expect(a.mail.text).not.toMatch(/(?<!\d)\d{6}(?!\d)/);
    expect(b.mail.text).toMatch(/(?<!\d)\d{6}(?!\d)/);
  });

  test('recovery: a known, an unknown and a disabled address get the same 303 and the same page; only the known one gets mail', async () => {
    const known = await person();
    const disabled = await person();
    const account = (await sesame.sesame.accounts.get(disabled.accountId))!;
    await sesame.sesame.accounts.update({ ...account, disabled: true });
    const unknown = known.email.replace(/^real/, 'nope');
    const before = mail.messages.length;

    const run = async (email: string) => {
      const { agent, uid } = await interaction();
      const form = await agent.request(`/interaction/${uid}/recovery`);
      const csrf = csrfOf(await form.clone().text());
      const formShape = await shape(form, [
        [uid, 'UID'],
        [csrf, 'CSRF'],
      ]);
      const post = await requestRecovery(agent, sesame.issuer, uid, email);
      const postShape = await shape(post, [[uid, 'UID']]);
      const sent = await shape(await agent.request(`/interaction/${uid}/recovery/sent`), [
        [uid, 'UID'],
      ]);
      return { formShape, postShape, sent };
    };
    const k = await run(known.email);
    const u = await run(unknown);
    const d = await run(disabled.email);
    expect(k.postShape.status).toBe(303);
    expect(k.sent.status).toBe(200);
    expect(k.sent.body).toContain('Check your email');
    for (const other of [u, d]) {
      expect(other.formShape).toEqual(k.formShape);
      expect(other.postShape).toEqual(k.postShape);
      expect(other.sent).toEqual(k.sent);
    }
    // Policy: no mail at all for an address without an active account.
    await recoveryLinkFor(mail, known.email, sesame.issuer);
    await sesame.sesame.tasks.idle(); // every mail the request caused has been handed over
    const recipients = mail.messages.slice(before).map((m) => m.to);
    expect(recipients).toEqual([known.email]);
  });

  test('recovery: the response never waits for the mail, so its timing does not depend on the account', async () => {
    const known = await person();
    gate.hold();
    try {
      const { agent, uid } = await interaction();
      const started = performance.now();
      const res = await requestRecovery(agent, sesame.issuer, uid, known.email);
      const elapsed = performance.now() - started;
      // The SMTP server cannot be reached at all right now, and still the answer is here.
      expect(res.status).toBe(303);
      expect(elapsed).toBeLessThan(2000);
      const linkMail = (m: { to: string; subject: string }) =>
        m.to === known.email && m.subject.startsWith('Create a new passkey');
      expect(mail.messages.some(linkMail)).toBe(false);
    } finally {
      gate.release();
    }
    // Once mail flows again, the link arrives.
    await recoveryLinkFor(mail, known.email, sesame.issuer);
  });

  test('email-first options: a real and an unknown address get lists of the same shape; the fake one is stable', async () => {
    const known = await person();
    const unknown = `ghost${++counter}@example.com`;
    const { agent, uid } = await interaction();
    type Options = {
      challenge: string;
      allowCredentials: Array<Record<string, unknown> & { id: string; transports: string[] }>;
    } & Record<string, unknown>;
    const ask = async (email: string) => {
      const res = await agent.postJson(`/interaction/${uid}/passkey/options`, { email });
      return { res: await shape(res.clone()), body: (await res.json()) as Options };
    };
    const real = await ask(known.email);
    const fake = await ask(unknown);
    const fakeAgain = await ask(` ${unknown.toUpperCase()} `);

    expect(fake.res.status).toBe(real.res.status);
    // The length follows the list (how many passkeys, how long their ids): compared below.
    const { 'content-length': _a, ...fakeHeaders } = fake.res.headers;
    const { 'content-length': _b, ...realHeaders } = real.res.headers;
    expect(fakeHeaders).toEqual(realHeaders);
    expect(Object.keys(fake.body).sort()).toEqual(Object.keys(real.body).sort());
    for (const key of ['rpId', 'timeout', 'userVerification'])
      expect(fake.body[key]).toEqual(real.body[key]);
    expect(fake.body.challenge.length).toBe(real.body.challenge.length);
    const entryKeys = (o: Options) => o.allowCredentials.map((c) => Object.keys(c).sort());
    expect(entryKeys(fake.body)[0]).toEqual(entryKeys(real.body)[0]);
    for (const entry of [...fake.body.allowCredentials, ...real.body.allowCredentials]) {
      expect(entry.type).toBe('public-key');
      expect(Array.isArray(entry.transports)).toBe(true);
      expect(entry.transports.length).toBeGreaterThan(0);
      expect(entry.transports).toEqual([...entry.transports].sort());
      expect([16, 20, 32, 64]).toContain(Buffer.from(entry.id, 'base64url').length);
    }
    expect(real.body.allowCredentials.map((c) => c.id)).toEqual([
      known.authenticator.credentials[0]!.id,
    ]);
    // Stable for the same (normalised) address, different for another.
    expect(fakeAgain.body.allowCredentials).toEqual(fake.body.allowCredentials);
    const other = await ask(`other${counter}@example.com`);
    expect(other.body.allowCredentials).not.toEqual(fake.body.allowCredentials);

    // Many unknown addresses: every fake list looks like a real one (1–2 entries, real id sizes).
    for (let i = 0; i < 20; i++) {
      const { body } = await ask(`probe${i}@example.org`);
      expect(body.allowCredentials.length).toBeGreaterThanOrEqual(1);
      expect(body.allowCredentials.length).toBeLessThanOrEqual(2);
    }
  });

  test('email-first verify: a passkey that is not on the list fails the same way for a real and an unknown address', async () => {
    const known = await person();
    const stranger = await person();
    const attempt = async (email: string) => {
      const { agent, uid } = await interaction();
      const options = await postJson(agent, `/interaction/${uid}/passkey/options`, { email });
      // The stranger's passkey is not on either list; the authenticator signs anyway.
      const list = options.body as { allowCredentials: unknown[] };
      const response = stranger.authenticator.getAssertion({
        ...list,
        allowCredentials: [],
      } as never);
      return postJson(agent, `/interaction/${uid}/passkey/verify`, { response });
    };
    const real = await attempt(known.email);
    const fake = await attempt(`void${++counter}@example.com`);
    expect(real.status).toBe(400);
    expect(fake).toEqual(real);
  });

  test('login_hint: the sign-in page for a real and an unknown address differs only in the pre-filled value', async () => {
    const known = await person();
    const unknown = known.email.replace(/^real/, 'hint');
    const page = async (email: string) => {
      const agent: HttpAgent = createHttpAgent(sesame.issuer);
      const url = await rp.authorizationUrl({ login_hint: email });
      const { response, url: at } = await agent.follow(url);
      const uid = at.pathname.split('/')[2]!;
      return shape(response, [
        [uid, 'UID'],
        [email, 'EMAIL'],
      ]);
    };
    const a = await page(known.email);
    const b = await page(unknown);
    expect(a.status).toBe(200);
    expect(a.body).toContain('value="EMAIL"');
    expect(b).toEqual(a);
  });
});
