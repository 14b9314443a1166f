import { readFile } from 'node:fs/promises';
import { describe, expect, test } from '@jest/globals';
import { addVirtualAuthenticator, e2eEnabled } from '../support/browser.js';
import { signUpInBrowser, useE2eWorld } from '../support/e2eWorld.js';
import { mailCode } from '../support/mailCatcher.js';

const run = e2eEnabled() ? describe : describe.skip;

run('e2e: account self-service in Chromium', () => {
  const world = useE2eWorld('Recipe Box');

  test('name and email changes reach the app; data download; deleting ends tokens and frees the address', async () => {
    const { sesame, mail, callback, rp, browser } = world;
    const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    try {
      const first = callback.nextCallback(20_000);
      await page.goto(
        (
          await rp.authorizationUrl({
            scope: 'openid email profile offline_access',
            prompt: 'consent',
          })
        ).href,
      );
      await signUpInBrowser(page, mail, 'kat@example.com', 'Kat Johnson');
      const tokens = await rp.exchange(await first);
      const sub = tokens.claims()!.sub;

      await page.goto(`${sesame.issuer}/account`);
      // Times are in the reader's time zone (Tokyo here), not UTC.
      const created = page.locator('time[data-local]').first();
      expect(await created.textContent()).not.toContain('UTC');

      // Edit name: the app's next ID token carries it.
      await page.getByLabel('Name', { exact: true }).fill('Katherine Johnson');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Your name is saved.').waitFor();
      const next = callback.nextCallback(20_000);
      await page.goto((await rp.authorizationUrl()).href);
      expect((await rp.exchange(await next)).claims()!.name).toBe('Katherine Johnson');

      // Change email: nothing changes until the code from the new address is entered.
      await page.goto(`${sesame.issuer}/account`);
      await page.getByLabel('New email').fill('kat.johnson@example.com');
      await page.getByRole('button', { name: 'Send code' }).click();
      const codeMail = await mail.waitFor('kat.johnson@example.com');
      expect((await sesame.sesame.accounts.get(sub))!.email).toBe('kat@example.com');
      await page.getByLabel('Code', { exact: true }).fill(mailCode(codeMail));
      await page.getByRole('button', { name: 'Change email' }).click();
      await page.getByText('Your email address is changed.').waitFor();
      const notice = await mail.waitFor('kat@example.com', (m) => m.subject.includes('changed'));
      expect(notice.text).toContain('kat.johnson@example.com');

      // Download my data: one complete JSON file.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download my data' }).click();
      const data = JSON.parse(await readFile((await (await download).path())!, 'utf8')) as Record<
        string,
        unknown
      >;
      expect(Object.keys(data).sort()).toEqual([
        'account',
        'activity',
        'apps',
        'groups',
        'passkeys',
      ]);
      expect(data.account).toMatchObject({
        sub,
        email: 'kat.johnson@example.com',
        name: 'Katherine Johnson',
      });
      expect(data.passkeys).toHaveLength(1);
      expect(data.apps).toEqual([expect.objectContaining({ name: 'Recipe Box' })]);

      // Delete: typed email plus a passkey; the app's refresh token dies; goodbye mail.
      await page.getByLabel('Type your email to confirm').fill('kat.johnson@example.com');
      await page.getByRole('button', { name: 'Delete my account' }).click();
      await page.getByRole('heading', { name: 'Your account is deleted' }).waitFor();
      await expect(rp.refresh(tokens.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await mail.waitFor('kat.johnson@example.com', (m) => m.subject.includes('deleted'));
      expect(await sesame.sesame.accounts.get(sub)).toBeUndefined();

      // The address can sign up anew, and gets a new `sub`.
      const fresh = await browser.newContext();
      const again = await fresh.newPage();
      await addVirtualAuthenticator(again);
      const back = callback.nextCallback(20_000);
      await again.goto((await rp.authorizationUrl()).href);
      await signUpInBrowser(again, mail, 'kat.johnson@example.com', 'Kat');
      const reborn = (await rp.exchange(await back)).claims()!;
      expect(reborn.sub).not.toBe(sub);
      expect(reborn.email).toBe('kat.johnson@example.com');
      await fresh.close();
    } finally {
      await context.close();
    }
  }, 90_000);
});
