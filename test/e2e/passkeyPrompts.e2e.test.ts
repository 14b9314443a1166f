import { describe, expect, test } from '@jest/globals';
import type { BrowserContextOptions, Page } from 'playwright-core';
import {
  addVirtualAuthenticator,
  e2eEnabled,
  type VirtualAuthenticatorOptions,
} from '../support/browser.js';
import { holdAutofill, signUpInBrowser, useE2eWorld } from '../support/e2eWorld.js';
import { mailCode } from '../support/mailCatcher.js';

const run = e2eEnabled() ? describe : describe.skip;

/** What a person hits on the sign-in and sign-up pages when a passkey prompt does not work. */
run('e2e: passkey prompts explained, one ceremony at a time', () => {
  const world = useE2eWorld('Recipe Box');

  async function fresh(
    authenticator: VirtualAuthenticatorOptions | false = {},
    options: BrowserContextOptions = {},
  ) {
    const context = await world.browser.newContext(options);
    const page = await context.newPage();
    const virtual =
      authenticator === false ? undefined : await addVirtualAuthenticator(page, authenticator);
    return { page, virtual, close: () => context.close() };
  }

  const errorBox = (page: Page) => page.locator('#error');

  test('first load shows no error; an unknown address is told apart, with next steps that work', async () => {
    const { page, close } = await fresh();
    try {
      await page.goto((await world.rp.authorizationUrl()).href, { waitUntil: 'networkidle' });
      // The background autofill request is running (or ended): never an error.
      await expect(errorBox(page).isVisible()).resolves.toBe(false);
      await page.getByLabel('Email').fill('nobody@example.com');
      await page.getByRole('button', { name: 'Continue' }).click();
      // The message comes once the browser's ceremony has failed: wait for it, then read.
      await errorBox(page)
        .filter({ hasText: 'This device has no passkey for nobody@example.com.' })
        .waitFor();
      await expect(errorBox(page).textContent()).resolves.toContain(
        'This device has no passkey for nobody@example.com.',
      );
      const text = (await errorBox(page).textContent()) ?? '';
      expect(text).not.toContain('cancelled');
      expect(text).toContain('Use a passkey on your phone');
      // Buttons are usable again at once, and the next steps are real links.
      await expect(page.getByRole('button', { name: 'Continue' }).isEnabled()).resolves.toBe(true);
      const lost = errorBox(page).getByRole('link', { name: 'Lost your passkey?' });
      expect(await lost.getAttribute('href')).toMatch(/\/interaction\/[^/]+\/recovery$/);
      await errorBox(page).getByRole('link', { name: 'No account yet? Create an account' }).click();
      await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    } finally {
      await close();
    }
  }, 60_000);

  test('a cancelled prompt (user verification fails) says so; trying again signs in and navigates once', async () => {
    const { page, virtual, close } = await fresh();
    try {
      const signedUp = world.callback.nextCallback(20_000);
      await page.goto((await world.rp.authorizationUrl()).href);
      await signUpInBrowser(page, world.mail, 'grace@example.com', 'Grace Hopper');
      await world.rp.exchange(await signedUp);

      await virtual!.setUserVerified(false);
      const release = await holdAutofill(page);
      await page.goto((await world.rp.authorizationUrl({ prompt: 'login' })).href);
      await release.firstHeld;
      release.allowNext();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await errorBox(page).getByText('The passkey request was cancelled.').waitFor();
      await expect(page.locator('#waiting').isVisible()).resolves.toBe(false);

      await virtual!.setUserVerified(true);
      const requests: string[] = [];
      page.on('request', (r) => {
        if (r.url().startsWith(world.callback.redirectUri)) requests.push(r.url());
      });
      const back = world.callback.nextCallback(20_000);
      // Two quick clicks: the second finds the ceremony running and does nothing.
      release.allowNext();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page
        .getByRole('button', { name: 'Sign in with a passkey' })
        .click({ timeout: 2000 })
        .catch(() => undefined);
      await world.rp.exchange(await back);
      await page.waitForURL((url) => url.href.startsWith(world.callback.redirectUri));
      expect(requests).toHaveLength(1);
      await release();
    } finally {
      await close();
    }
  }, 60_000);

  test('while a prompt is open: "Waiting for your passkey…" and "Cancel", which ends it quietly', async () => {
    // No automatic presence: the authenticator waits, as a person deciding would.
    const { page, close } = await fresh({ automaticPresenceSimulation: false });
    try {
      await page.goto((await world.rp.authorizationUrl()).href);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.getByText('Waiting for your passkey…').waitFor();
      await expect(
        page.getByRole('button', { name: 'Sign in with a passkey' }).isDisabled(),
      ).resolves.toBe(true);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByText('Waiting for your passkey…').waitFor({ state: 'hidden' });
      await expect(errorBox(page).isVisible()).resolves.toBe(false);
      await expect(
        page.getByRole('button', { name: 'Sign in with a passkey' }).isEnabled(),
      ).resolves.toBe(true);
    } finally {
      await close();
    }
  }, 60_000);

  test('a browser without passkeys is told on sign-in and before sign-up mails a code', async () => {
    const { page, close } = await fresh(false);
    await page.addInitScript(() => {
      Object.defineProperty(window, 'PublicKeyCredential', { value: undefined });
    });
    try {
      await page.goto((await world.rp.authorizationUrl()).href);
      await expect(errorBox(page).textContent()).resolves.toContain(
        'This browser can’t use passkeys.',
      );
      await expect(errorBox(page).textContent()).resolves.toContain('up-to-date browser');
      await expect(
        page.getByRole('button', { name: 'Sign in with a passkey' }).isDisabled(),
      ).resolves.toBe(true);
      await page.getByRole('link', { name: 'Create an account' }).first().click();
      await page.getByRole('heading', { name: 'Create an account' }).waitFor();
      await expect(errorBox(page).textContent()).resolves.toContain(
        'This browser can’t use passkeys.',
      );
      await expect(page.getByRole('button', { name: 'Continue' }).isDisabled()).resolves.toBe(true);
    } finally {
      await close();
    }
  }, 60_000);

  test('an invalid email is explained without field names; the sign-up code is in the mail’s subject', async () => {
    const { page, close } = await fresh();
    try {
      await page.goto((await world.rp.authorizationUrl()).href);
      await expect(page.getByText('You can also use your phone').isVisible()).resolves.toBe(true);
      await page.getByLabel('Email').fill('not-an-address');
      await page.getByRole('button', { name: 'Continue' }).click();
      await errorBox(page).getByText('Enter a valid email address').waitFor();
      expect(await errorBox(page).textContent()).not.toMatch(/email:/);
      await page.getByRole('link', { name: 'Create an account' }).first().click();
      await expect(page.getByText('You can also use your phone').isVisible()).resolves.toBe(true);
      await page.getByLabel('Name').fill('Alan');
      await page.getByLabel('Email').fill('alan@example.com');
      await page.getByRole('button', { name: 'Continue' }).click();
      const mail = await world.mail.waitFor('alan@example.com');
      expect(mail.subject).toContain(mailCode(mail));
    } finally {
      await close();
    }
  }, 60_000);
});
