import { describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { addVirtualAuthenticator, e2eEnabled } from '../support/browser.js';
import { holdAutofill, useE2eWorld } from '../support/e2eWorld.js';
import { mailCode } from '../support/mailCatcher.js';
import { axeViolations, screenshot } from '../support/pageCheck.js';

const run = e2eEnabled() ? describe : describe.skip;

/**
 * Every error page offers a way on that works, and every page passes axe-core with no
 * violations at phone and desktop width (screenshots for the README when SCREENSHOT_DIR is set).
 */
run('e2e: no dead ends, and every page accessible', () => {
  const world = useE2eWorld('Recipe Box');

  /** Checks the page with axe at 375 and 1280 px and takes its screenshots. */
  async function check(page: Page, name: string): Promise<void> {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      expect({ page: name, width, violations: await axeViolations(page) }).toEqual({
        page: name,
        width,
        violations: [],
      });
      await screenshot(page, name);
    }
  }

  test('error pages: bad client, bad redirect, 404 and an expired sign-in go on to the account', async () => {
    const { sesame, rp } = world;
    const context = await world.browser.newContext();
    const page = await context.newPage();
    try {
      const good = await rp.authorizationUrl();
      const badClient = new URL(good);
      badClient.searchParams.set('client_id', 'no-such-app');
      const badRedirect = new URL(good);
      badRedirect.searchParams.set('redirect_uri', 'https://evil.example/cb');
      const pages = [
        ['error-bad-client', badClient.href],
        ['error-bad-redirect', badRedirect.href],
        ['error-not-found', `${sesame.issuer}/no-such-page`],
        ['error-expired', `${sesame.issuer}/interaction/expired-or-unknown`],
      ] as const;
      for (const [name, url] of pages) {
        await page.goto(url);
        await page.getByText(/Reference: [\w-]+/).waitFor();
        await check(page, name);
        await holdAutofill(page);
        await page.getByRole('link', { name: 'Go to your account' }).click();
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      }
    } finally {
      await context.close();
    }
  }, 90_000);

  test('a live sign-in’s error page goes "Back to" the app with access_denied and its state', async () => {
    const { sesame, rp, callback } = world;
    const context = await world.browser.newContext();
    const page = await context.newPage();
    try {
      const url = await rp.authorizationUrl();
      await page.goto(url.href);
      const uid = new URL(page.url()).pathname.split('/')[2];
      // Consent is not this sign-in's step yet: an error page inside a live sign-in.
      await page.goto(`${sesame.issuer}/interaction/${uid}/consent/unknown`);
      const back = callback.nextCallback(20_000);
      await page.getByRole('link', { name: 'Back to Recipe Box' }).click();
      const returned = await back;
      expect(returned.searchParams.get('error')).toBe('access_denied');
      expect(returned.searchParams.get('state')).toBe(url.searchParams.get('state'));
    } finally {
      await context.close();
    }
  });

  test('the pages of a life: home, sign-in, sign-up, consent, account, signed out, goodbye', async () => {
    const { sesame, mail, rp } = world;
    const context = await world.browser.newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    try {
      await page.goto(`${sesame.issuer}/`);
      await check(page, 'home');
      const release = await holdAutofill(page);
      await page.goto((await rp.authorizationUrl()).href);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await check(page, 'sign-in');
      await release();
      await page.getByRole('link', { name: 'Create an account' }).click();
      await check(page, 'sign-up');
      await page.goBack();
      await page.getByRole('link', { name: 'Lost your passkey?' }).click();
      await check(page, 'recovery');
      await page.goBack();
      // Through sign-up, stopping at consent: it names who is signed in.
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByLabel('Email').fill('ida@example.com');
      await page.getByLabel('Name').fill('Ida');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('Code').waitFor();
      await check(page, 'sign-up-code');
      await page.getByLabel('Code').fill(mailCode(await mail.waitFor('ida@example.com')));
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      await expect(page.getByText('Signed in as ida@example.com').isVisible()).resolves.toBe(true);
      await check(page, 'consent');
      // "Not you?" starts the sign-in again for the same app.
      await holdAutofill(page);
      await page.getByRole('link', { name: 'Not you?' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();

      await page.goto(`${sesame.issuer}/account`);
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      await check(page, 'account');
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await check(page, 'account-confirm');
      await page
        .getByRole('group', { name: 'Confirm' })
        .getByRole('button', { name: 'Sign out everywhere' })
        .click();
      await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
      await check(page, 'signed-out');
      await page.goto(`${sesame.issuer}/goodbye`);
      await check(page, 'goodbye');
    } finally {
      await context.close();
    }
  }, 120_000);
});
