import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { darkModeAccent, parseHex } from '../../src/config/brandConfig.js';
import { loadCatalogue } from '../../src/i18n/catalogue.js';
import { addVirtualAuthenticator, e2eEnabled, launchBrowser } from '../support/browser.js';
import { startCallbackServer, type CallbackServer } from '../support/callbackServer.js';
import { mailCode, startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { connectRp } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const run = e2eEnabled() ? describe : describe.skip;
const t = (locale: string, key: string, params: Record<string, unknown> = {}) =>
  loadCatalogue({ defaultLocale: 'en' }).t(locale, key, { rpName: 'Acme ID', ...params });

const ACCENT = '#0f766e';
const BRAND_LOGO = 'https://brand.acme.example/logo.svg';
const APP_LOGO = 'https://notes.example/icon.svg';
const svg = (fill: string, letter: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${fill}"/><text x="32" y="44" font-size="34" font-family="sans-serif" font-weight="700" text-anchor="middle" fill="#fff">${letter}</text></svg>`;

/** Screenshots for docs/screenshots (set SCREENSHOT_DIR=docs/screenshots to refresh them). */
async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

const rgb = (hex: string) => `rgb(${parseHex(hex).join(', ')})`;

async function imageLoaded(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .evaluate(
      (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
    );
}

run('e2e: the operator’s brand and the app’s logo (SPEC §13)', () => {
  let mail: MailCatcher;
  let sesame: RunningSesame;
  let callback: CallbackServer;
  let rp: Awaited<ReturnType<typeof connectRp>>;
  let browser: Browser;

  beforeAll(async () => {
    mail = await startMailCatcher();
    sesame = await startSesame({
      SMTP_URL: mail.url,
      RP_NAME: 'Acme ID',
      BRAND_COLOR: ACCENT,
      BRAND_LOGO_URL: BRAND_LOGO,
    });
    callback = await startCallbackServer();
    // The app registered its logo (standard `logo_uri` client metadata, `--logo-uri`).
    rp = await connectRp(sesame, {
      name: 'Notes',
      redirectUris: [callback.redirectUri],
      logoUri: APP_LOGO,
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await sesame?.close();
    await mail?.close();
  });

  async function brandedContext(options: { dark?: boolean } = {}): Promise<BrowserContext> {
    const context = await browser.newContext({
      viewport: { width: 420, height: 860 },
      colorScheme: options.dark ? 'dark' : 'light',
      extraHTTPHeaders: { 'Accept-Language': 'en' },
    });
    // The logos' hosts, answered locally (no network in tests).
    await context.route(BRAND_LOGO, (route) =>
      route.fulfill({ contentType: 'image/svg+xml', body: svg('#0f766e', 'A') }),
    );
    await context.route(APP_LOGO, (route) =>
      route.fulfill({ contentType: 'image/svg+xml', body: svg('#b45309', 'N') }),
    );
    return context;
  }

  test('logo and accent on sign-in, consent and account; app logo; branded mail', async () => {
    const context = await brandedContext();
    const page = await context.newPage();
    try {
      const received = callback.nextCallback(30_000);
      await page.goto((await rp.authorizationUrl({ scope: 'openid email profile' })).href);
      await page.getByRole('heading', { name: t('en', 'signIn.title') }).waitFor();
      // The operator's name and logo, the app's name and logo, the accent on the main button.
      await expect(page.locator('.brand').innerText()).resolves.toContain('Acme ID');
      expect(await imageLoaded(page, '.brand-logo')).toBe(true);
      await expect(page.locator('main').innerText()).resolves.toContain('Notes');
      expect(await page.locator('.app-logo').getAttribute('src')).toBe(APP_LOGO);
      expect(await imageLoaded(page, '.app-logo')).toBe(true);
      const primary = page.getByRole('button', { name: t('en', 'common.continue') });
      await expect(primary.evaluate((b) => getComputedStyle(b).backgroundColor)).resolves.toBe(
        rgb(ACCENT),
      );
      await shot(page, 'sign-in');

      await page.getByRole('link', { name: t('en', 'signIn.createAccount') }).click();
      await addVirtualAuthenticator(page);
      await page.getByLabel(t('en', 'common.email')).fill('grace@example.com');
      await page.getByLabel(t('en', 'signUp.name')).fill('Grace Hopper');
      await page.getByRole('button', { name: t('en', 'common.continue') }).click();
      const codeMail = await mail.waitFor('grace@example.com');
      expect(codeMail.subject).toContain('Acme ID');
      expect(codeMail.html).toContain(`src="${BRAND_LOGO}"`);
      await page.getByLabel(t('en', 'signUp.code')).fill(mailCode(codeMail));
      await page.getByRole('button', { name: t('en', 'common.createPasskey') }).click();

      // Consent, switched to German with the language links at the foot of the page.
      await page
        .getByRole('heading', { name: t('en', 'consent.heading', { app: 'Notes' }) })
        .waitFor();
      await page.getByRole('link', { name: 'Deutsch' }).click();
      await page
        .getByRole('heading', { name: t('de', 'consent.heading', { app: 'Notes' }) })
        .waitFor();
      expect(await imageLoaded(page, '.consent-logo')).toBe(true);
      await shot(page, 'consent-de');
      await page.getByRole('button', { name: t('de', 'consent.allow') }).click();
      await received;

      // The account page, in French.
      await page.goto(`${sesame.issuer}/account`);
      await page.getByRole('link', { name: 'Français' }).click();
      await page.getByRole('heading', { name: t('fr', 'account.title'), level: 1 }).waitFor();
      expect(await imageLoaded(page, '.brand-logo')).toBe(true);
      await shot(page, 'account-fr');
    } finally {
      await context.close();
    }
  }, 90_000);

  test('dark mode: the accent is lightened to stay readable', async () => {
    const context = await brandedContext({ dark: true });
    const page = await context.newPage();
    try {
      await page.goto((await rp.authorizationUrl({ scope: 'openid email' })).href);
      const primary = page.getByRole('button', { name: t('en', 'common.continue') });
      await primary.waitFor();
      await expect(primary.evaluate((b) => getComputedStyle(b).backgroundColor)).resolves.toBe(
        rgb(darkModeAccent(ACCENT)),
      );
      expect(darkModeAccent(ACCENT)).not.toBe(ACCENT);
      await shot(page, 'sign-in-dark');
    } finally {
      await context.close();
    }
  });
});
