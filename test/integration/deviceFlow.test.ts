import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectDevice, type DeviceClient } from '../support/deviceClient.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { csrfOf, signIn, signUpPerson, type SignedUpPerson } from '../support/passkeyFlows.js';
import { connectRp } from '../support/relyingParty.js';
import { LOOSE_LIMITS, startSesame, type RunningSesame } from '../support/startSesame.js';
import type { OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';
import { oidcCollectionSpec } from '../../src/oidc/oidcCollectionSpec.js';
import { createAdapter } from '../../src/oidc/createAdapter.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
let sesame: RunningSesame;
let mail: MailCatcher;
let device: DeviceClient;
let person: SignedUpPerson;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame(
    { SMTP_URL: mail.url },
    { limits: { ...LOOSE_LIMITS, deviceCodePerIp: { max: 10, windowMs: 15 * 60_000 } } },
  );
  const rp = await connectRp(sesame, { name: 'Web App', redirectUris: [REDIRECT] });
  person = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: 'ada@example.com', name: 'Ada' },
  );
  device = await connectDevice(sesame, 'Living Room TV');
}, 30_000);

afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

/** The `/device` form's hidden xsrf field. */
function xsrfOf(html: string): string {
  const match = /name="xsrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error(`no xsrf field in page: ${html.slice(0, 300)}`);
  return match[1];
}

/** Opens `/device` (optionally with `?user_code=`) and submits `code` with "Continue". */
async function submitCode(agent: HttpAgent, code: string, query = ''): Promise<Response> {
  const page = await agent.request(`/device${query}`);
  expect(page.status).toBe(200);
  const xsrf = xsrfOf(await page.text());
  return agent.postForm('/device', { xsrf, user_code: code, confirm: 'yes' });
}

describe('device authorization grant (RFC 8628)', () => {
  test('discovery lists the endpoint; a device gets a short code valid 10 minutes, an interval, and a link that pre-fills it', async () => {
    expect(device.config.serverMetadata().device_authorization_endpoint).toBe(
      `${sesame.issuer}/device/auth`,
    );
    const started = await device.start();
    expect(started.user_code).toMatch(USER_CODE);
    expect(started.verification_uri).toBe(`${sesame.issuer}/device`);
    expect(started.verification_uri_complete).toBe(
      `${sesame.issuer}/device?user_code=${started.user_code}`,
    );
    expect(started.expires_in).toBe(600);
    expect(started.interval).toBe(5);

    // The QR code's link only pre-fills the form: nothing is submitted until "Continue".
    const agent = createHttpAgent(sesame.issuer);
    const res = await agent.request(started.verification_uri_complete!);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(html).toContain('<h1>Connect a device</h1>');
    expect(html).toContain(`value="${started.user_code}"`);
    expect(html).not.toMatch(/<script|onload|op\.deviceInputForm/);
    expect(await device.pollOnce(started.device_code)).toMatchObject({
      status: 400,
      body: { error: 'authorization_pending' },
    });
  });

  test('hostile pre-fills are escaped and cut short', async () => {
    const agent = createHttpAgent(sesame.issuer);
    const hostile = '"><script>alert(1)</script>';
    const html = await (
      await agent.request(`/device?user_code=${encodeURIComponent(hostile)}`)
    ).text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const cut = await (await agent.request(`/device?user_code=${'C'.repeat(100)}`)).text();
    expect(cut).toContain(`value="${'C'.repeat(32)}"`);
  });

  test('typed code → passkey sign-in → consent showing the code → done; the polling device gets tokens for the same person, once', async () => {
    const started = await device.start();
    const stop = new AbortController();
    const polling = device.poll(started, stop.signal);
    polling.catch(() => undefined);
    try {
      const agent = createHttpAgent(sesame.issuer);
      // Typed in lower case without the dash: still the code.
      const posted = await submitCode(agent, started.user_code.toLowerCase().replace('-', ''));
      expect(posted.status).toBe(303);
      const login = new URL(posted.headers.get('location')!, sesame.issuer);
      const { response: signInPage, url } = await agent.follow(login);
      expect(signInPage.status).toBe(200);
      const uid = url.pathname.split('/')[2]!;
      const signedIn = await signIn({ agent, uid, authenticator: person.authenticator });
      expect(signedIn.status).toBe(200);
      const consent = await agent.follow(signedIn.body.redirectTo!);
      const consentHtml = await consent.response.text();
      expect(consentHtml).toContain('Allow Living Room TV?');
      expect(consentHtml).toContain(started.user_code);
      const consentUid = consent.url.pathname.split('/')[2]!;
      const allowed = await agent.postForm(`/interaction/${consentUid}/consent`, {
        decision: 'allow',
        _csrf: csrfOf(consentHtml),
      });
      expect(allowed.status).toBe(303);
      const done = await agent.follow(new URL(allowed.headers.get('location')!, sesame.issuer));
      const doneHtml = await done.response.text();
      expect(done.url.pathname).toMatch(/^\/device\//);
      expect(doneHtml).toContain('Device connected');
      expect(doneHtml).toContain('Living Room TV');

      const tokens = await polling;
      expect(tokens.claims()).toMatchObject({ sub: person.sub, email: 'ada@example.com' });
      expect(tokens.access_token).toEqual(expect.any(String));
      // The user code is single use, and so is the device code.
      const again = await submitCode(createHttpAgent(sesame.issuer), started.user_code);
      expect(again.status).toBe(400);
      const againHtml = await again.text();
      expect(againHtml.match(/class="error"[^<]*/)?.[0]).toContain('already been used');
      // A replayed device code is refused (and revokes what was issued with it).
      expect((await device.pollOnce(started.device_code)).body.error).toBe('invalid_grant');
      const events = await sesame.sesame.audit.forAccount(person.sub);
      expect(events.find((e) => e.type === 'device_connected')).toMatchObject({
        clientId: device.clientId,
        detail: `code ${started.user_code}`,
      });
    } finally {
      stop.abort();
    }
  }, 30_000);

  test('an already signed-in person still sees consent with the code; Deny tells the device access_denied', async () => {
    const started = await device.start();
    const posted = await submitCode(person.agent, started.user_code);
    const consent = await person.agent.follow(
      new URL(posted.headers.get('location')!, sesame.issuer),
    );
    const html = await consent.response.text();
    expect(html).toContain(started.user_code);
    const uid = consent.url.pathname.split('/')[2]!;
    const denied = await person.agent.postForm(`/interaction/${uid}/consent`, {
      decision: 'deny',
      _csrf: csrfOf(html),
    });
    const after = await person.agent.follow(
      new URL(denied.headers.get('location')!, sesame.issuer),
    );
    expect(await after.response.text()).toContain('The device was not connected');
    expect(await device.pollOnce(started.device_code)).toMatchObject({
      status: 400,
      body: { error: 'access_denied' },
    });
  });

  test('a device polling faster than its interval gets slow_down, and its interval grows', async () => {
    const started = await device.start();
    expect((await device.pollOnce(started.device_code)).body.error).toBe('authorization_pending');
    expect((await device.pollOnce(started.device_code)).body).toMatchObject({
      error: 'slow_down',
      error_description: expect.stringContaining('10 seconds'),
    });
    expect((await device.pollOnce(started.device_code)).body.error).toBe('slow_down');
  });

  test('an expired code is refused in words with the form to enter a new one; the device gets expired_token', async () => {
    const started = await device.start();
    const codes = await sesame.store.collection<OidcDoc>(oidcCollectionSpec('DeviceCode'));
    const doc = (await codes.get(started.device_code))!;
    await codes.upsert({
      ...doc,
      payload: { ...doc.payload, exp: Math.floor(Date.now() / 1000) - 1 },
    });
    const res = await submitCode(createHttpAgent(sesame.issuer), started.user_code);
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).toContain('That code has expired. Start the sign-in again on your device');
    expect(html).toContain('name="user_code"');
    expect(html).toContain('value=""');
    expect((await device.pollOnce(started.device_code)).body.error).toBe('expired_token');
  });

  test('two confirmations of one code racing (both read it before either saved): exactly one claims it', async () => {
    const started = await device.start();
    const codes = await sesame.store.collection<OidcDoc>(oidcCollectionSpec('DeviceCode'));
    const read = (await codes.get(started.device_code))!.payload;
    // What oidc-provider does for each confirmation: check inFlight on what it read, then save.
    expect(read.inFlight).toBeUndefined();
    const Adapter = createAdapter(sesame.store);
    const claims = await Promise.allSettled(
      [new Adapter('DeviceCode'), new Adapter('DeviceCode')].map((adapter) =>
        adapter.upsert(started.device_code, { ...read, inFlight: true }, 600),
      ),
    );
    expect(claims.map((c) => c.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = claims.find((c) => c.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ name: 'AlreadyUsedError', error: 'invalid_request' });
    // Through the pages, the later confirmation reads "already used".
    const res = await submitCode(createHttpAgent(sesame.issuer), started.user_code);
    expect(await res.text()).toContain('That code has already been used.');
  });

  // Last: it uses up this address's wrong-code allowance.
  test('wrong codes: 10 per address, then 429 with Retry-After, even for a right code', async () => {
    const started = await device.start();
    const agent = createHttpAgent(sesame.issuer);
    for (let i = 0; i < 10; i++) {
      // Any input is just a wrong code, however long.
      const res = await submitCode(
        agent,
        i === 0 ? 'B'.repeat(5000) : `BBBB-BBB${'CDFGHJKLMN'[i]}`,
      );
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('That code is not right.');
    }
    const refused = await submitCode(agent, 'BBBB-CCCC');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.text()).toContain('Too many attempts');
    const right = await submitCode(agent, started.user_code);
    expect(right.status).toBe(429);
    expect(sesame.logLines.join('\n')).not.toContain(started.user_code);
  });
});
