import { describe, expect, test } from '@jest/globals';
import { addVirtualAuthenticator, e2eEnabled } from '../support/browser.js';
import { signUpInBrowser, useE2eWorld } from '../support/e2eWorld.js';
import { recoveryLinkFor } from '../support/recoveryFlows.js';

const run = e2eEnabled() ? describe : describe.skip;

run('e2e: recovering a lost passkey in Chromium', () => {
  const world = useE2eWorld('Garden Planner');

  test('sign up, lose the passkey, "Lost your passkey?" → mailed link → "Create passkey" on a new authenticator, signed in; then sign in with it', async () => {
    const { sesame, mail, callback, rp, browser } = world;
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // Sign up with a first virtual authenticator.
      const lost = await addVirtualAuthenticator(page);
      const signedUp = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl()).href);
      await signUpInBrowser(page, mail, 'rosalind@example.com', 'Rosalind Franklin');
      const sub = (await rp.exchange(await signedUp)).claims()!.sub;

      // The passkey is lost: the authenticator goes away (Chrome allows one internal
      // virtual authenticator per page, so it must go before the new one comes).
      await lost.remove();

      // "Lost your passkey?" from the sign-in page of a new authorization.
      const recovered = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl({ prompt: 'login' })).href);
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      await page.getByRole('link', { name: 'Lost your passkey?' }).click();
      await page.getByLabel('Email').fill('rosalind@example.com');
      await page.getByRole('button', { name: 'Send link' }).click();
      await expect(
        page.getByRole('heading', { name: 'Check your email' }).isVisible(),
      ).resolves.toBe(true);
      const link = await recoveryLinkFor(mail, 'rosalind@example.com', sesame.issuer);

      // The link, in the same browser, with a new authenticator.
      const replacement = await addVirtualAuthenticator(page);
      await page.goto(link);
      await page.getByRole('button', { name: 'Create passkey' }).click();
      // Back to the app, signed in (consent was given before, so it is not asked again).
      const afterRecovery = await rp.exchange(await recovered);
      expect(afterRecovery.claims()!.sub).toBe(sub);
      const held = await replacement.credentials();
      expect(held).toHaveLength(1);
      expect(held[0]!.isResidentCredential).toBe(true);

      const notice = await mail.waitFor('rosalind@example.com', (m) =>
        m.subject.includes('passkey was added'),
      );
      expect(notice.text).toMatch(/Browser: .*Chrome/);

      // Signing in with the new passkey: autofill completes it on page load.
      const signedIn = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl({ prompt: 'login' })).href);
      const tokens = await rp.exchange(await signedIn);
      expect(tokens.claims()!.sub).toBe(sub);
      const info = await rp.userinfo(tokens.access_token, sub);
      expect(info.email).toBe('rosalind@example.com');
      expect((await sesame.sesame.credentials.forAccount(sub)).length).toBe(2);

      await replacement.remove();
    } finally {
      await context.close();
    }
  });
});
