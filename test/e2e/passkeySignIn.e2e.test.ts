import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page, Route } from 'playwright-core';
import {
  addVirtualAuthenticator,
  e2eEnabled,
  launchBrowser,
  type VirtualAuthenticator,
} from '../support/browser.js';
import { startCallbackServer, type CallbackServer } from '../support/callbackServer.js';
import { mailCode, startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { discoverRp, type RelyingParty } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const run = e2eEnabled() ? describe : describe.skip;

run('e2e: Chromium with a virtual authenticator and an openid-client relying party', () => {
  let sesame: RunningSesame;
  let mail: MailCatcher;
  let callback: CallbackServer;
  let rp: RelyingParty;
  let browser: Browser;

  beforeAll(async () => {
    mail = await startMailCatcher();
    sesame = await startSesame({ SMTP_URL: mail.url });
    callback = await startCallbackServer();
    const client = await sesame.registerClient({
      name: 'Recipe Box',
      redirectUris: [callback.redirectUri],
    });
    rp = await discoverRp({
      issuer: sesame.issuer,
      clientId: client.client_id,
      clientSecret: client.client_secret!,
      redirectUri: callback.redirectUri,
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await sesame?.close();
    await mail?.close();
  });

  /** A fresh browser profile (context) and page with its own virtual authenticator. */
  async function freshPage(): Promise<{
    page: Page;
    authenticator: VirtualAuthenticator;
    close: () => Promise<void>;
  }> {
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

  /**
   * Leaves the page's autofill request (the options call without an email) unanswered, as when
   * a person ignores the autofill suggestion, so the buttons can be exercised. Returns a
   * function that lets it go.
   */
  async function holdAutofill(page: Page): Promise<() => Promise<void>> {
    const heldRoutes: Route[] = [];
    let first = true;
    const handler = (route: Route) => {
      if (first && route.request().postData() === '{}') {
        first = false;
        heldRoutes.push(route);
        return;
      }
      void route.continue();
    };
    await page.route('**/passkey/options', handler);
    return async () => {
      await page.unroute('**/passkey/options', handler);
      for (const r of heldRoutes) await r.abort().catch(() => undefined);
    };
  }

  test('create an account with an emailed code and a passkey, then sign in with it by autofill, button and email-first', async () => {
    const { page, authenticator, close } = await freshPage();
    try {
      // Sign up.
      const received = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl()).href);
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByLabel('Email').fill('Marie@Example.com');
      await page.getByLabel('Name').fill('Marie Curie');
      await page.getByRole('button', { name: 'Continue' }).click();
      const code = mailCode(await mail.waitFor('marie@example.com'));
      await page.getByLabel('Code').fill(code);
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
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

      // The "Sign in with a passkey" button (usernameless), with autofill left unanswered.
      let held = await holdAutofill(page);
      const viaButton = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl({ prompt: 'login' })).href);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      const again = await rp.exchange(await viaButton);
      expect(again.claims()!.sub).toBe(claims.sub);
      await held();

      // And email-first with "Continue".
      held = await holdAutofill(page);
      const viaEmail = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl({ prompt: 'login' })).href);
      await page.getByLabel('Email').fill('marie@example.com');
      await page.getByRole('button', { name: 'Continue' }).click();
      const emailFirst = await rp.exchange(await viaEmail);
      expect(emailFirst.claims()!.sub).toBe(claims.sub);
      await held();
      const info = await rp.userinfo(emailFirst.access_token, claims.sub);
      expect(info.email).toBe('marie@example.com');
    } finally {
      await close();
    }
  });

  test('a wrong code is refused in words and nothing is created', async () => {
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
