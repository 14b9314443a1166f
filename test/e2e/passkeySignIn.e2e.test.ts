import { describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import {
  addVirtualAuthenticator,
  e2eEnabled,
  type VirtualAuthenticator,
} from '../support/browser.js';
import { holdAutofill, signUpInBrowser, useE2eWorld } from '../support/e2eWorld.js';
import { verifyJwt } from '../support/jwt.js';
import { mailCode } from '../support/mailCatcher.js';
import type { RelyingParty } from '../support/relyingParty.js';

const run = e2eEnabled() ? describe : describe.skip;

run('e2e: Chromium with a virtual authenticator and an openid-client relying party', () => {
  const world = useE2eWorld('Recipe Box');

  /** A fresh browser profile (context) and page with its own virtual authenticator. */
  async function freshPage(): Promise<{
    page: Page;
    authenticator: VirtualAuthenticator;
    close: () => Promise<void>;
  }> {
    const { browser } = world;
    const context = await browser.newContext();
    const page = await context.newPage();
    const authenticator = await addVirtualAuthenticator(page);
    return {
      page,
      authenticator,
      close: async () => {
        await authenticator.remove().catch(() => undefined);
        await context.close();
      },
    };
  }

  test('create an account with an emailed code and a passkey, then sign in with it by autofill, button and email-first', async () => {
    const { sesame, mail, callback, rp } = world;
    const { page, authenticator, close } = await freshPage();
    try {
      let emailFirst: Awaited<ReturnType<RelyingParty['exchange']>> | undefined;
      // Sign up.
      const received = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl()).href);
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      await signUpInBrowser(page, mail, 'Marie@Example.com', 'Marie Curie');
      const tokens = await rp.exchange(await received);
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({
        email: 'marie@example.com',
        email_verified: true,
        name: 'Marie Curie',
      });
      expect(claims.amr).toEqual(expect.arrayContaining(['pop', 'user', 'mfa']));
      const stored = await authenticator.credentials();
      expect(stored).toHaveLength(1);
      expect(stored[0]!.isResidentCredential).toBe(true);

      // Passkey autofill (conditional mediation) starts on page load: with the passkey on this
      // device, the browser offers it and the person is signed in without typing anything.
      const viaAutofill = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl({ prompt: 'login' })).href);
      const autofilled = await rp.exchange(await viaAutofill);
      expect(autofilled.claims()!.sub).toBe(claims.sub);

      // A new browser session (its own profile, no Sesame cookie) holding the same passkey, as
      // a synced passkey would be: "Sign in with a passkey" (usernameless), autofill held back.
      const second = await freshPage();
      try {
        // Copied now, with its current counter (an older copy would be refused as a clone).
        await second.authenticator.addCredential((await authenticator.credentials())[0]!);
        let held = await holdAutofill(second.page);
        const viaButton = callback.nextCallback(20_000);
        await second.page.goto((await rp.authorizationUrl()).href);
        await second.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        const again = await rp.exchange(await viaButton);
        const verified = await verifyJwt(sesame.issuer, again.id_token!);
        expect(verified).toMatchObject({ sub: claims.sub, iss: sesame.issuer, acr: 'phrh' });
        expect(verified.amr).toEqual(expect.arrayContaining(['pop', 'hwk', 'user', 'mfa']));
        await held();

        // And email-first with "Continue", in yet another fresh session of that browser.
        await second.page.context().clearCookies();
        held = await holdAutofill(second.page);
        const viaEmail = callback.nextCallback(20_000);
        await second.page.goto((await rp.authorizationUrl()).href);
        await second.page.getByLabel('Email').fill('marie@example.com');
        await second.page.getByRole('button', { name: 'Continue' }).click();
        emailFirst = await rp.exchange(await viaEmail);
        expect((await verifyJwt(sesame.issuer, emailFirst.id_token!)).sub).toBe(claims.sub);
        await held();
      } finally {
        await second.close();
      }
      const info = await rp.userinfo(emailFirst!.access_token, claims.sub);
      expect(info.email).toBe('marie@example.com');
    } finally {
      await close();
    }
  });

  test('a verify answered "already signed in" (another ceremony finished first) follows its redirect to the app', async () => {
    const { mail, callback, rp } = world;
    const { page, close } = await freshPage();
    try {
      const signedUp = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl()).href);
      await signUpInBrowser(page, mail, 'ada@example.com', 'Ada Lovelace');
      const sub = (await rp.exchange(await signedUp)).claims()!.sub;
      await page.context().clearCookies();
      // The page's verify reaches the real server twice: the first signs in, the page gets the
      // second answer (409 already_signed_in with redirectTo), as when autofill won the race.
      await page.route('**/passkey/verify', async (route) => {
        await route.fetch();
        await route.fulfill({ response: await route.fetch() });
      });
      const held = await holdAutofill(page);
      const viaRedirect = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl()).href);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      expect((await rp.exchange(await viaRedirect)).claims()!.sub).toBe(sub);
      await held();
    } finally {
      await close();
    }
  });

  test('a wrong code is refused in words and nothing is created', async () => {
    const { sesame, mail, rp } = world;
    const { page, authenticator, close } = await freshPage();
    try {
      await page.goto((await rp.authorizationUrl()).href);
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByLabel('Email').fill('pierre@example.com');
      await page.getByLabel('Name').fill('Pierre');
      await page.getByRole('button', { name: 'Continue' }).click();
      const code = mailCode(await mail.waitFor('pierre@example.com'));
      const wrong = code === '000000' ? '111111' : '000000';
      await page.getByLabel('Code').fill(wrong);
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'That code is not right',
      );
      expect(await authenticator.credentials()).toHaveLength(0);
      expect(await sesame.sesame.accounts.findByEmail('pierre@example.com')).toBeUndefined();
    } finally {
      await close();
    }
  });
});
