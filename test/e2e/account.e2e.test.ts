import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { addVirtualAuthenticator, e2eEnabled } from '../support/browser.js';
import { holdAutofill, signUpInBrowser, useE2eWorld } from '../support/e2eWorld.js';

const run = e2eEnabled() ? describe : describe.skip;

/** Optional screenshots of the account page (set SCREENSHOT_DIR to look at the layout). */
async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

run('e2e: the account page in Chromium', () => {
  const world = useE2eWorld('Recipe Box');

  test('sign up, add a synced passkey, rename, delete, revoke an app, sign out everywhere', async () => {
    const { sesame, mail, callback, rp, browser } = world;
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    // Confirmations are in the page: a native dialog would fail the test.
    page.on('dialog', () => {
      throw new Error('native dialog shown');
    });
    const phone = await addVirtualAuthenticator(page);
    try {
      // Sign up through an app that asks for offline access (so it holds a refresh token).
      const received = callback.nextCallback(20_000);
      await page.goto(
        (
          await rp.authorizationUrl({
            scope: 'openid email profile offline_access',
            prompt: 'consent',
          })
        ).href,
      );
      await signUpInBrowser(page, mail, 'ada@example.com', 'Ada Lovelace');
      const tokens = await rp.exchange(await received);
      expect(tokens.refresh_token).toBeTruthy();
      expect(await phone.credentials()).toHaveLength(1);

      // The account page, reached with the Sesame session of the sign-up.
      await page.goto(`${sesame.issuer}/account`);
      await expect(
        page.getByRole('heading', { name: 'Your account', level: 1 }).isVisible(),
      ).resolves.toBe(true);
      await expect(page.getByText('You have only one passkey').isVisible()).resolves.toBe(true);
      await shot(page, 'account-one-passkey');

      // A second authenticator (a security key on USB making synced passkeys) adds a passkey.
      const key = await addVirtualAuthenticator(page, {
        transport: 'usb',
        defaultBackupEligibility: true,
        defaultBackupState: true,
      });
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByText('Passkey added.').waitFor();
      expect(await key.credentials()).toHaveLength(1);
      const items = page.locator('section[aria-labelledby="passkeys-heading"] li.item');
      await expect(items.count()).resolves.toBe(2);
      const synced = items.filter({ hasText: 'Synced' });
      const deviceBound = items.filter({ hasText: 'Device-bound' });
      await expect(synced.count()).resolves.toBe(1);
      await expect(deviceBound.count()).resolves.toBe(1);
      await shot(page, 'account-two-passkeys');

      // Rename the synced one: its box opens when asked.
      await expect(synced.getByRole('textbox').isVisible()).resolves.toBe(false);
      await synced.getByRole('button', { name: 'Rename' }).click();
      await synced.getByRole('textbox').fill('Blue security key');
      await synced.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Passkey renamed.').waitFor();
      await expect(
        page.getByRole('listitem').filter({ hasText: 'Blue security key' }).count(),
      ).resolves.toBe(1);

      // Delete the device-bound one (confirmed in the page).
      const doomed = page.locator('li.item').filter({ hasText: 'Device-bound' });
      await doomed.getByRole('button', { name: 'Delete', exact: true }).click();
      await doomed.getByRole('button', { name: 'Delete passkey' }).click();
      await page.getByText('Passkey deleted.').waitFor();
      await expect(items.count()).resolves.toBe(1);
      // The last passkey's Delete is disabled, with the reason beside it.
      const last = items.getByRole('button', { name: 'Delete', exact: true });
      await expect(last.isDisabled()).resolves.toBe(true);
      await expect(page.getByText('This is your only passkey').isVisible()).resolves.toBe(true);

      // Revoke the app: its refresh token fails at once.
      await page.getByRole('button', { name: 'Revoke Recipe Box' }).click();
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await page.getByText('App disconnected.').waitFor();
      await expect(rp.refresh(tokens.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await shot(page, 'account-after-changes');

      // Sign out everywhere ends on a signed-out page, not on the sign-in page (where autofill
      // could sign the person straight back in); the account page then asks to sign in again.
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await page
        .getByRole('group', { name: 'Confirm' })
        .getByRole('button', { name: 'Sign out everywhere' })
        .click();
      await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/signed-out');
      await holdAutofill(page);
      await page.getByRole('link', { name: 'Sign in again' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await shot(page, 'account-sign-in-again');
    } finally {
      await context.close();
    }
  }, 60_000);
});
