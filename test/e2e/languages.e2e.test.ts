import { describe, expect, test } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { loadCatalogue, type MessageTree } from '../../src/i18n/catalogue.js';
import { addVirtualAuthenticator, e2eEnabled } from '../support/browser.js';
import { holdAutofill, useE2eWorld } from '../support/e2eWorld.js';
import { mailCode } from '../support/mailCatcher.js';

const run = e2eEnabled() ? describe : describe.skip;
const catalogue = loadCatalogue({ defaultLocale: 'en' });
const APP = 'Notizbuch';

/** The catalogue's words in `locale`: tests find every element through them. */
const wordsIn =
  (locale: string) =>
  (key: string, params: Record<string, unknown> = {}): string =>
    catalogue.t(locale, key, { rpName: 'Sesame', ...params });

function flatten(tree: MessageTree): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : flatten(v)));
}

/** English sentences (fragments of 16+ characters between placeholders) for leftover checks. */
const englishFragments = ['common', 'signIn', 'signUp', 'recovery', 'consent', 'account']
  .concat(['errors', 'errorPage', 'signOut'])
  .flatMap((ns) => flatten(catalogue.namespace('en', ns)))
  .flatMap((text) => text.split(/\{\{[^}]*\}\}|<[^>]+>/))
  .map((f) => f.trim())
  .filter((f) => f.length >= 16);

/** English left on a page that should be entirely in another language. */
async function englishLeft(page: Page): Promise<string[]> {
  const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
  return englishFragments.filter((f) => text.includes(f));
}

/** The page's accessible structure without its words: roles, levels and nesting. */
async function structure(page: Page): Promise<string[]> {
  const snapshot = await page.locator('main').ariaSnapshot();
  return snapshot
    .split('\n')
    .filter((line) => !/^\s*- \/(url|placeholder)\b/.test(line))
    .map((line) =>
      line
        .replace(/"(?:[^"\\]|\\.)*"/g, '""')
        .replace(/\/(?:[^/\\]|\\.)+\//g, '//')
        .replace(/:\s.*$/, ':')
        .replace(/\s+\[(?:checked|selected)[^\]]*\]/g, ''),
    )
    .filter((line) => !/^\s*- (text|\/url|\/placeholder)\b/.test(line.trim()));
}

run('e2e: the pages in German and French (SPEC §13)', () => {
  const world = useE2eWorld(APP);

  async function contextFor(acceptLanguage: string): Promise<BrowserContext> {
    return world.browser.newContext({
      viewport: { width: 375, height: 800 },
      extraHTTPHeaders: { 'Accept-Language': acceptLanguage },
    });
  }

  /** The English pages' structure, to hold each translation against. */
  async function englishStructures(): Promise<Record<string, string[]>> {
    const context = await contextFor('en');
    const page = await context.newPage();
    try {
      const en = wordsIn('en');
      await page.goto((await world.rp.authorizationUrl({ scope: 'openid email' })).href);
      await page.getByRole('heading', { name: en('signIn.title') }).waitFor();
      const signIn = await structure(page);
      await page.getByRole('link', { name: en('signIn.createAccount') }).click();
      await page.getByRole('heading', { name: en('signUp.title') }).waitFor();
      const signUp = await structure(page);
      await page.goto(`${world.sesame.issuer}/interaction/no-such-sign-in`);
      const error = await structure(page);
      return { signIn, signUp, error };
    } finally {
      await context.close();
    }
  }

  test.each([
    ['de', 'Accept-Language', 'de-AT,de;q=0.9,en;q=0.5', undefined],
    ['fr', 'ui_locales', 'en-US,en;q=0.9', 'ja fr-CA fr'],
  ])(
    '%s chosen by %s: sign-in, sign-up, mail, consent, account and error pages',
    async (locale, _how, acceptLanguage, uiLocales) => {
      const { sesame, mail, callback, rp } = world;
      const t = wordsIn(locale);
      const english = await englishStructures();
      const email = `${locale}-person@example.com`;
      const context = await contextFor(acceptLanguage);
      const page = await context.newPage();
      try {
        const received = callback.nextCallback(30_000);
        const url = await rp.authorizationUrl({
          scope: 'openid email profile',
          prompt: 'consent',
          ...(uiLocales ? { ui_locales: uiLocales } : {}),
        });
        await page.goto(url.href);

        // Sign-in: every element by its words in this language, the same structure as English.
        await page.getByRole('heading', { name: t('signIn.title'), level: 1 }).waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
        await expect(page.getByLabel(t('common.email')).isVisible()).resolves.toBe(true);
        await expect(
          page.getByRole('button', { name: t('signIn.withPasskey') }).isVisible(),
        ).resolves.toBe(true);
        await expect(
          page.getByRole('button', { name: t('common.continue') }).count(),
        ).resolves.toBe(1);
        await expect(
          page.getByRole('link', { name: t('signIn.lostPasskey') }).isVisible(),
        ).resolves.toBe(true);
        expect(await page.locator('main').innerText()).toContain(APP);
        expect(await structure(page)).toEqual(english.signIn);
        expect(await englishLeft(page)).toEqual([]);

        // Sign-up, with the code mailed in this language.
        await page.getByRole('link', { name: t('signIn.createAccount') }).click();
        await page.getByRole('heading', { name: t('signUp.title'), level: 1 }).waitFor();
        // The authenticator only now: on the sign-in page it would answer the autofill request.
        await addVirtualAuthenticator(page);
        expect(await structure(page)).toEqual(english.signUp);
        expect(await englishLeft(page)).toEqual([]);
        await page.getByLabel(t('common.email')).fill(email);
        await page.getByLabel(t('signUp.name')).fill('Camille Muster');
        await page.getByRole('button', { name: t('common.continue') }).click();
        const codeMail = await mail.waitFor(email);
        const mailedCode = /\d{6}/.exec(codeMail.subject)?.[0];
        expect(codeMail.subject).toBe(
          `${t('mail.signupCode.subject', { code: mailedCode })} — Sesame`,
        );
        expect(codeMail.text).toContain(t('mail.signupCode.intro'));
        expect(codeMail.html).toContain(`lang="${locale}"`);

        // A refused code comes back from the JSON call in this language too.
        await page.getByLabel(t('signUp.code')).fill('000000');
        await page.getByRole('button', { name: t('common.createPasskey') }).click();
        await page
          .getByRole('alert')
          .filter({ hasText: t('errors.wrong_code') })
          .waitFor();
        expect(await englishLeft(page)).toEqual([]);
        await page.getByLabel(t('signUp.code')).fill(mailCode(codeMail));
        await page.getByRole('button', { name: t('common.createPasskey') }).click();

        // Consent.
        await page.getByRole('heading', { name: t('consent.heading', { app: APP }) }).waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        await expect(page.getByText(t('consent.scope.email')).isVisible()).resolves.toBe(true);
        await expect(page.getByText(t('consent.scope.profile')).isVisible()).resolves.toBe(true);
        await expect(
          page.getByRole('button', { name: t('consent.deny') }).isVisible(),
        ).resolves.toBe(true);
        expect(await englishLeft(page)).toEqual([]);
        await page.getByRole('button', { name: t('consent.allow') }).click();
        await received;

        // The account remembers the language it was made in, and its page speaks it.
        const account = await sesame.sesame.accounts.findByEmail(email);
        expect(account?.locale).toBe(locale);
        await page.goto(`${sesame.issuer}/account`);
        await page.getByRole('heading', { name: t('account.title'), level: 1 }).waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        await expect(
          page.getByRole('button', { name: t('account.addPasskey') }).isVisible(),
        ).resolves.toBe(true);
        await expect(
          page.getByRole('heading', { name: t('account.apps'), level: 2 }).isVisible(),
        ).resolves.toBe(true);
        await expect(page.getByLabel(t('account.languageLabel')).inputValue()).resolves.toBe(
          locale,
        );
        await expect(page.getByText(t('account.onlyOnePasskey')).isVisible()).resolves.toBe(true);
        expect(await englishLeft(page)).toEqual([]);

        // Error pages: a refused form inside a sign-in, an unknown app at /auth, and (chosen by
        // the header alone) an expired sign-in page. The passkey would sign in by autofill.
        const release = await holdAutofill(page);
        await page.goto(
          (
            await rp.authorizationUrl({
              scope: 'openid email',
              prompt: 'login',
              ...(uiLocales ? { ui_locales: uiLocales } : {}),
            })
          ).href,
        );
        await page.getByRole('link', { name: t('signIn.createAccount') }).click();
        await page.locator('input[name="_csrf"]').evaluate((el) => {
          (el as HTMLInputElement).value = 'forged';
        });
        await page.getByLabel(t('common.email')).fill('someone@example.com');
        await page.getByLabel(t('signUp.name')).fill('Someone');
        await page.getByRole('button', { name: t('common.continue') }).click();
        await page.getByRole('heading', { name: t('errorPage.failed'), level: 1 }).waitFor();
        await release();
        await expect(
          page
            .getByRole('alert')
            .filter({ hasText: t('errors.csrf') })
            .count(),
        ).resolves.toBe(1);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        expect(await structure(page)).toEqual(english.error);
        expect(await englishLeft(page)).toEqual([]);

        const unknownApp = new URL(url.href);
        unknownApp.searchParams.set('client_id', 'no-such-app');
        await page.goto(unknownApp.href);
        await page.getByRole('heading', { name: t('errorPage.failed'), level: 1 }).waitFor();
        await expect(page.getByText(t('errors.invalid_client')).isVisible()).resolves.toBe(true);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);

        if (!uiLocales) {
          await page.goto(`${sesame.issuer}/interaction/no-such-sign-in`);
          await page.getByRole('heading', { name: t('errorPage.notFound'), level: 1 }).waitFor();
          await expect(
            page
              .getByRole('alert')
              .filter({ hasText: t('errors.interaction_expired') })
              .count(),
          ).resolves.toBe(1);
          expect(await structure(page)).toEqual(english.error);
        }
      } finally {
        await context.close();
      }

      // Later mails use the language signed up in, even asked for from an English browser.
      const other = await contextFor('en');
      const page2 = await other.newPage();
      try {
        const en = wordsIn('en');
        await page2.goto((await rp.authorizationUrl({ scope: 'openid email' })).href);
        await page2.getByRole('link', { name: en('signIn.lostPasskey') }).click();
        await page2.getByLabel(en('common.email')).fill(email);
        await page2.getByRole('button', { name: en('recovery.send') }).click();
        await page2.getByRole('heading', { name: en('recovery.sentTitle') }).waitFor();
        const recovery = await mail.waitFor(email, (m) =>
          m.subject.startsWith(t('mail.recoveryLink.subject')),
        );
        expect(recovery.text).toContain(t('mail.hello', { name: 'Camille Muster' }));
        expect(recovery.text).toContain(t('mail.recoveryLink.open'));
      } finally {
        await other.close();
      }
    },
    120_000,
  );

  test('the switcher changes the language, keeps the page and the person’s place', async () => {
    const context = await contextFor('en');
    const page = await context.newPage();
    try {
      await page.goto((await world.rp.authorizationUrl({ scope: 'openid email' })).href);
      const signInUrl = page.url();
      await page.getByRole('heading', { name: wordsIn('en')('signIn.title') }).waitFor();
      const nav = page.getByRole('navigation', { name: wordsIn('en')('common.language') });
      await nav.getByRole('link', { name: 'Deutsch' }).click();
      await page.getByRole('heading', { name: wordsIn('de')('signIn.title') }).waitFor();
      expect(page.url()).toBe(signInUrl);
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      const current = page
        .getByRole('navigation', { name: wordsIn('de')('common.language') })
        .getByRole('link', { name: 'Deutsch' });
      expect(await current.getAttribute('aria-current')).toBe('true');
      // By keyboard: the French link is reachable with Tab and follows with Enter.
      const french = page.getByRole('link', { name: 'Français' });
      await french.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: wordsIn('fr')('signIn.title') }).waitFor();
      expect(page.url()).toBe(signInUrl);
    } finally {
      await context.close();
    }
  });
});
