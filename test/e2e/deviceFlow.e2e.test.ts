import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { addVirtualAuthenticator, e2eEnabled } from '../support/browser.js';
import { connectDevice, type DeviceClient } from '../support/deviceClient.js';
import { holdAutofill, signUpInBrowser, useE2eWorld } from '../support/e2eWorld.js';
import { LOOSE_LIMITS, startSesame, type RunningSesame } from '../support/startSesame.js';
import { oidcCollectionSpec, type OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';

const run = e2eEnabled() ? describe : describe.skip;

run('e2e: sign in on a TV or terminal with a phone’s passkey (device authorization grant)', () => {
  const world = useE2eWorld('Recipe Box');
  let device: DeviceClient;
  let context: BrowserContext;
  let page: Page;
  let sub: string;

  beforeAll(async () => {
    device = await connectDevice(world.sesame, 'Living Room TV');
    // The phone: a 375 px wide browser with a passkey for an account made through the web app.
    context = await world.browser.newContext({ viewport: { width: 375, height: 800 } });
    page = await context.newPage();
    await addVirtualAuthenticator(page);
    const received = world.callback.nextCallback(20_000);
    await page.goto((await world.rp.authorizationUrl()).href);
    await signUpInBrowser(page, world.mail, 'tv@example.com', 'Tess Viewer');
    sub = (await world.rp.exchange(await received)).claims()!.sub;
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  /** Allows on the consent page after checking it names the app and shows `userCode`. */
  async function consent(userCode: string): Promise<void> {
    await page.getByRole('heading', { name: 'Allow Living Room TV?' }).waitFor();
    await expect(page.getByLabel('Device code').textContent()).resolves.toBe(userCode);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Device connected' }).waitFor();
  }

  test('the QR code link pre-fills the code and waits for Continue; passkey sign-in, consent with the code, and the polling device gets tokens for the same person', async () => {
    const started = await device.start();
    const stop = new AbortController();
    const polling = device.poll(started, stop.signal);
    polling.catch(() => undefined);
    try {
      // A fresh session on the phone: the person signs in with the passkey, not a cookie.
      await context.clearCookies();
      await page.goto(started.verification_uri_complete!);
      await page.getByRole('heading', { name: 'Connect a device' }).waitFor();
      await expect(page.getByLabel('Code').inputValue()).resolves.toBe(started.user_code);
      // Nothing was submitted by opening the link.
      expect(new URL(page.url()).pathname).toBe('/device');
      expect((await device.pollOnce(started.device_code)).body.error).toMatch(
        /authorization_pending|slow_down/,
      );
      const release = await holdAutofill(page);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await consent(started.user_code);
      await release();
      const tokens = await polling;
      expect(tokens.claims()).toMatchObject({ sub, email: 'tv@example.com' });
    } finally {
      stop.abort();
    }
  }, 60_000);

  test('a typed code (lower case, no dash) works too', async () => {
    const started = await device.start();
    const stop = new AbortController();
    const polling = device.poll(started, stop.signal);
    polling.catch(() => undefined);
    try {
      await page.goto(`${world.sesame.issuer}/device`);
      await page.getByLabel('Code').fill(started.user_code.replace('-', '').toLowerCase());
      await page.getByLabel('Code').press('Enter');
      await consent(started.user_code);
      expect((await polling).claims()!.sub).toBe(sub);
    } finally {
      stop.abort();
    }
  }, 60_000);

  test('an expired code is refused in words, with an empty field to enter a new one', async () => {
    const started = await device.start();
    const codes = await world.sesame.store.collection<OidcDoc>(oidcCollectionSpec('DeviceCode'));
    const doc = (await codes.get(started.device_code))!;
    await codes.upsert({
      ...doc,
      payload: { ...doc.payload, exp: Math.floor(Date.now() / 1000) - 1 },
    });
    await page.goto(started.verification_uri_complete!);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'That code has expired. Start the sign-in again on your device',
    );
    await expect(page.getByLabel('Code').inputValue()).resolves.toBe('');
    await expect(page.getByRole('button', { name: 'Continue' }).isVisible()).resolves.toBe(true);
    expect((await device.pollOnce(started.device_code)).body.error).toBe('expired_token');
  });

  describe('with the production limit on wrong codes', () => {
    let limited: RunningSesame;
    beforeAll(async () => {
      limited = await startSesame(
        {},
        { limits: { ...LOOSE_LIMITS, deviceCodePerIp: { max: 10, windowMs: 15 * 60_000 } } },
      );
    });
    afterAll(async () => {
      await limited?.close();
    });

    test('ten wrong codes are told apart, the eleventh try meets 429 with how long to wait', async () => {
      await page.goto(`${limited.issuer}/device`);
      for (let i = 0; i < 10; i++) {
        await page.getByLabel('Code').fill(`BBBB-BBB${'CDFGHJKLMN'[i]}`);
        await page.getByRole('button', { name: 'Continue' }).click();
        await expect(page.getByRole('alert').textContent()).resolves.toContain(
          'That code is not right.',
        );
      }
      await page.getByLabel('Code').fill('BBBB-CCCC');
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Continue' }).click(),
      ]);
      expect(response.status()).toBe(429);
      expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
      await page.getByRole('heading', { name: 'Too many attempts' }).waitFor();
    });
  });
});
