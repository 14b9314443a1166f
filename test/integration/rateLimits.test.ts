import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LOOSE_LIMITS, startSesame, type RunningSesame } from '../support/startSesame.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { discoverRp, type RelyingParty } from '../support/relyingParty.js';
import { openInteraction, postJson, startSignUp } from '../support/passkeyFlows.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
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
        ceremonyPerIp: { max: 3, windowMs: 60_000 },
        signInPerEmail: { max: 2, windowMs: 60_000 },
        mailPerEmail: { max: 2, windowMs: 60_000 },
      },
    },
  );
  const c = await sesame.registerClient({ name: 'Limits', redirectUris: [REDIRECT] });
  rp = await discoverRp({
    issuer: sesame.issuer,
    clientId: c.client_id,
    clientSecret: c.client_secret!,
    redirectUri: REDIRECT,
  });
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
});
