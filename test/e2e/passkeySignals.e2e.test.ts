import { describe, expect, test } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { addVirtualAuthenticator, e2eEnabled } from '../support/browser.js';
import { holdAutofill, signUpInBrowser, useE2eWorld, type E2eWorld } from '../support/e2eWorld.js';

const run = e2eEnabled() ? describe : describe.skip;

const METHODS = [
  'signalUnknownCredential',
  'signalAllAcceptedCredentials',
  'signalCurrentUserDetails',
] as const;
type Signal = { method: (typeof METHODS)[number]; argument: Record<string, unknown> };

/** Replaces the Signal API with stubs that report each call to the test. */
const STUB_SIGNALS = `
  for (const method of ${JSON.stringify(METHODS)}) {
    Object.defineProperty(PublicKeyCredential, method, {
      configurable: true,
      value: (argument) => { window.__signal(method, argument); return Promise.resolve(); },
    });
  }`;

/** Takes the Signal API away, as in a browser that does not have it yet. */
const REMOVE_SIGNALS = `
  for (const method of ${JSON.stringify(METHODS)}) delete PublicKeyCredential[method];`;

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const fromBase64 = (b64: string) => Buffer.from(b64, 'base64').toString('base64url');

run('e2e: the WebAuthn Signal API keeps the passkey manager in step', () => {
  const world = useE2eWorld('Recipe Box');

  async function phone(
    script: string,
  ): Promise<{ context: BrowserContext; page: Page; signals: Signal[]; errors: string[] }> {
    const context = await world.browser.newContext();
    const signals: Signal[] = [];
    await context.exposeFunction(
      '__signal',
      (method: Signal['method'], argument: Signal['argument']) => {
        signals.push({ method, argument });
      },
    );
    await context.addInitScript(script);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text()))
        errors.push(msg.text());
    });
    return { context, page, signals, errors };
  }

  /**
   * Signs in again from a fresh session with "Sign in with a passkey" (the autofill request
   * held, so it cannot sign in first); returns a function that lets the held request go.
   */
  async function signInAgain(w: E2eWorld, page: Page): Promise<() => Promise<void>> {
    await page.context().clearCookies();
    const release = await holdAutofill(page);
    await page.goto((await w.rp.authorizationUrl()).href);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    return release;
  }

  test('after sign-in, on /account and after a name change, each signal carries the right arguments; an unknown passkey is signalled', async () => {
    const { context, page, signals, errors } = await phone(STUB_SIGNALS);
    try {
      const authenticator = await addVirtualAuthenticator(page);
      const received = world.callback.nextCallback(20_000);
      await page.goto((await world.rp.authorizationUrl()).href);
      await signUpInBrowser(page, world.mail, 'sig@example.com', 'Sig Nal');
      await received;
      const account = (await world.sesame.sesame.accounts.findByEmail('sig@example.com'))!;
      const [held] = await authenticator.credentials();
      const credentialId = fromBase64(held!.credentialId);
      const userId = b64url(account.id);
      expect(held!.userHandle && fromBase64(held!.userHandle)).toBe(userId);

      // After a passkey sign-in: the passkeys the account accepts.
      signals.length = 0;
      const signedIn = world.callback.nextCallback(20_000);
      const release = await signInAgain(world, page);
      await signedIn;
      await release();
      // The binding's report can arrive after the navigation it preceded.
      await waitFor(() => signals.length >= 1);
      expect(signals).toEqual([
        {
          method: 'signalAllAcceptedCredentials',
          argument: { rpId: 'localhost', userId, allAcceptedCredentialIds: [credentialId] },
        },
      ]);

      // On /account: the accepted passkeys and the current details.
      signals.length = 0;
      await page.goto(`${world.sesame.issuer}/account`);
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      await waitFor(() => signals.length >= 2);
      expect(signals).toEqual([
        {
          method: 'signalAllAcceptedCredentials',
          argument: { rpId: 'localhost', userId, allAcceptedCredentialIds: [credentialId] },
        },
        {
          method: 'signalCurrentUserDetails',
          argument: { rpId: 'localhost', userId, name: 'sig@example.com', displayName: 'Sig Nal' },
        },
      ]);

      // After a name change, the new name.
      await world.sesame.sesame.accounts.update({ ...account, name: 'Signe Nalle' });
      signals.length = 0;
      await page.reload();
      await waitFor(() => signals.some((s) => s.method === 'signalCurrentUserDetails'));
      expect(signals.find((s) => s.method === 'signalCurrentUserDetails')?.argument).toEqual({
        rpId: 'localhost',
        userId,
        name: 'sig@example.com',
        displayName: 'Signe Nalle',
      });

      // The passkey is gone from Sesame (deleted elsewhere): signing in with it signals it.
      await world.sesame.sesame.credentials.delete(credentialId);
      signals.length = 0;
      const releaseUnknown = await signInAgain(world, page);
      await page.getByRole('alert').filter({ hasText: 'not registered' }).waitFor();
      await releaseUnknown();
      await waitFor(() => signals.length >= 1);
      // Once per ceremony that used it (a second, background one may have too): always this one.
      for (const signal of signals)
        expect(signal).toEqual({
          method: 'signalUnknownCredential',
          argument: { rpId: 'localhost', credentialId },
        });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  test('where the browser has no Signal API, sign-in and /account work with no error', async () => {
    const { context, page, signals, errors } = await phone(REMOVE_SIGNALS);
    try {
      await addVirtualAuthenticator(page);
      const received = world.callback.nextCallback(20_000);
      await page.goto((await world.rp.authorizationUrl()).href);
      await expect(
        page.evaluate(
          () =>
            typeof (PublicKeyCredential as unknown as Record<string, unknown>)
              .signalAllAcceptedCredentials,
        ),
      ).resolves.toBe('undefined');
      await signUpInBrowser(page, world.mail, 'nosig@example.com', 'No Signal');
      await received;
      const signedIn = world.callback.nextCallback(20_000);
      const release = await signInAgain(world, page);
      await signedIn;
      await release();
      await page.goto(`${world.sesame.issuer}/account`);
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      const account = (await world.sesame.sesame.accounts.findByEmail('nosig@example.com'))!;
      for (const c of await world.sesame.sesame.credentials.forAccount(account.id))
        await world.sesame.sesame.credentials.delete(c.id);
      const releaseUnknown = await signInAgain(world, page);
      await page.getByRole('alert').filter({ hasText: 'not registered' }).waitFor();
      await releaseUnknown();
      expect(signals).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

/** Resolves once `condition` holds (checked on each event-loop turn), or fails after 10 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
