import { afterAll, beforeAll } from '@jest/globals';
import type { Browser, Page, Route } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startCallbackServer, type CallbackServer } from './callbackServer.js';
import { mailCode, startMailCatcher, type MailCatcher } from './mailCatcher.js';
import { connectRp, type RelyingParty } from './relyingParty.js';
import { startSesame, type RunningSesame } from './startSesame.js';

/** Everything a browser test needs: Sesame, an SMTP catcher, an RP with a real callback, Chromium. */
export interface E2eWorld {
  sesame: RunningSesame;
  mail: MailCatcher;
  callback: CallbackServer;
  rp: RelyingParty;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the world for an app named `appName` (a confidential, consent-asking client). */
export async function startE2eWorld(appName: string): Promise<E2eWorld> {
  const mail = await startMailCatcher();
  const sesame = await startSesame({ SMTP_URL: mail.url });
  const callback = await startCallbackServer();
  const rp = await connectRp(sesame, { name: appName, redirectUris: [callback.redirectUri] });
  const browser = await launchBrowser();
  return {
    sesame,
    mail,
    callback,
    rp,
    browser,
    async close() {
      await browser.close();
      await callback.close();
      await sesame.close();
      await mail.close();
    },
  };
}

/** Starts the world for `appName` before the enclosing suite's tests and closes it after them. */
export function useE2eWorld(appName: string): E2eWorld {
  const world = {} as E2eWorld;
  beforeAll(async () => {
    Object.assign(world, await startE2eWorld(appName));
  }, 60_000);
  afterAll(async () => {
    if ('close' in world) await world.close();
  });
  return world;
}

/**
 * On a sign-in page already open in `page`: "Create an account" → Email, Name → "Continue" →
 * the mailed code → "Create passkey" → "Allow" (the page's virtual authenticator answers).
 */
export async function signUpInBrowser(
  page: Page,
  mail: MailCatcher,
  email: string,
  name: string,
): Promise<void> {
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code').fill(mailCode(await mail.waitFor(email.toLowerCase())));
  await page.getByRole('button', { name: 'Create passkey' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
}

/**
 * Leaves the sign-in page's autofill request (the options call without an email) unanswered,
 * as when a person ignores the autofill suggestion — with a virtual authenticator, autofill
 * would otherwise sign in by itself on page load. Returns a function that lets it go.
 */
export async function holdAutofill(
  page: Page,
): Promise<(() => Promise<void>) & { allowNext(): void; firstHeld: Promise<void> }> {
  const held: Route[] = [];
  let heldFirst = () => {};
  const firstHeld = new Promise<void>((resolve) => (heldFirst = resolve));
  let first = true;
  // After allowNext(), every discoverable options request is held unless one was allowed: the
  // page restarts autofill after a failed button ceremony, and the virtual authenticator would
  // answer that one by itself.
  let strict = false;
  let allowance = 0;
  const handler = (route: Route) => {
    if (route.request().postData() === '{}') {
      if (first || (strict && allowance === 0)) {
        if (first) heldFirst();
        first = false;
        held.push(route);
        return;
      }
      if (allowance > 0) allowance--;
    }
    void route.continue();
  };
  await page.route('**/passkey/options', handler);
  const release = async () => {
    await page.unroute('**/passkey/options', handler);
    for (const r of held) await r.abort().catch(() => undefined);
  };
  return Object.assign(release, {
    /** Resolves once the page's first autofill request is held. */
    firstHeld,
    /** From now on, hold every discoverable options request but the next one. */
    allowNext() {
      strict = true;
      allowance++;
    },
  });
}
