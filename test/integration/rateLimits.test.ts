import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LOOSE_LIMITS, startSesame, type RunningSesame } from '../support/startSesame.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { openInteraction, postJson, startSignUp } from '../support/passkeyFlows.js';
import { requestRecovery } from '../support/recoveryFlows.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
// Fixed windows: an hour long, so a test (slow under a loaded machine) never straddles two.
const HOUR = 3_600_000;
let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame(
    { SMTP_URL: mail.url },
    {
      limits: {
        ...LOOSE_LIMITS,
        ceremonyPerIp: { max: 3, windowMs: HOUR },
        signInPerEmail: { max: 2, windowMs: HOUR },
        mailPerEmail: { max: 2, windowMs: HOUR },
      },
    },
  );
  rp = await connectRp(sesame, { name: 'Limits', redirectUris: [REDIRECT] });
});

afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

describe('rate limits (kept in the store)', () => {
  test('passkey options per IP: the 4th call in a window is 429 with Retry-After, in JSON', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    for (let i = 0; i < 3; i++)
      expect((await postJson(agent, `/interaction/${uid}/passkey/options`, {})).status).toBe(200);
    const res = await agent.postJson(`/interaction/${uid}/passkey/options`, {});
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: 'rate_limited' });
    const counters = await sesame.store.collection({ name: 'rate_limits' });
    expect(await counters.count()).toBeGreaterThan(0);
  });

  test('X-Forwarded-For is ignored without TRUST_PROXY: spoofed addresses share one bucket', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    // The IP bucket is already full from the test above; a spoofed header does not escape it.
    const res = await agent.request(`/interaction/${uid}/passkey/options`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-Forwarded-For': '203.0.113.7',
      },
      body: '{}',
    });
    expect(res.status).toBe(429);
  });

  test('sign-up mails per email: the 3rd is refused with a page, and no third mail is sent', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const email = 'limited@example.com';
    for (let i = 0; i < 2; i++) {
      const { uid } = await openInteraction(agent, await rp.authorizationUrl());
      expect((await startSignUp(agent, uid, email, 'L')).status).toBe(303);
      await mail.waitFor(email);
    }
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    const res = await startSignUp(agent, uid, email, 'L');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await res.text()).toContain('Too many attempts');
    await expect(mail.waitFor(email, undefined, 500)).rejects.toThrow();
  });

  test('recovery mails share the per-email limit, for unknown addresses too: the 3rd is 429', async () => {
    await sesame.sesame.accounts.insert({
      id: 'limited-account',
      email: 'known-limited@example.com',
      name: 'K',
      emailVerified: true,
      createdAt: Date.now(),
    });
    const agent = createHttpAgent(sesame.issuer);
    for (const email of ['known-limited@example.com', 'unknown-limited@example.com']) {
      for (let i = 0; i < 2; i++) {
        const { uid } = await openInteraction(agent, await rp.authorizationUrl());
        expect((await requestRecovery(agent, sesame.issuer, uid, email)).status).toBe(303);
      }
      const { uid } = await openInteraction(agent, await rp.authorizationUrl());
      const res = await requestRecovery(agent, sesame.issuer, uid, email);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.text()).toContain('Too many attempts');
    }
  });
});

describe('behind a trusted proxy', () => {
  let proxied: RunningSesame;
  beforeAll(async () => {
    proxied = await startSesame(
      { TRUST_PROXY: 'true' },
      { limits: { ...LOOSE_LIMITS, ceremonyPerIp: { max: 1, windowMs: HOUR } } },
    );
  });
  afterAll(async () => {
    await proxied?.close();
  });

  test('the client address is the one the proxy appended, not what the client claimed', async () => {
    const prp = await connectRp(proxied, { redirectUris: [REDIRECT] });
    const agent = createHttpAgent(proxied.issuer);
    const { uid } = await openInteraction(agent, await prp.authorizationUrl());
    const call = (xff: string) =>
      agent.request(`/interaction/${uid}/passkey/options`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-Forwarded-For': xff,
        },
        body: '{}',
      });
    expect((await call('203.0.113.1, 198.51.100.1')).status).toBe(200);
    // A different spoofed first hop does not escape the bucket of the real (last) hop…
    expect((await call('203.0.113.2, 198.51.100.1')).status).toBe(429);
    // …while a different real client gets its own.
    expect((await call('203.0.113.1, 198.51.100.2')).status).toBe(200);
  });
});
