import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { oidcCollectionSpec, type OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';
import { addVirtualAuthenticator, e2eEnabled } from '../support/browser.js';
import { signUpInBrowser, useE2eWorld } from '../support/e2eWorld.js';
import { rpFor } from '../support/relyingParty.js';
import { runCli } from '../support/runCli.js';

const run = e2eEnabled() ? describe : describe.skip;

/** Screenshots for the README (set SCREENSHOT_DIR=docs/screenshots to refresh them). */
async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

run('e2e: the administration console in Chromium', () => {
  const world = useE2eWorld('Recipe Box');

  test('promote from the CLI, add an app and sign in with its secret, rotate, delete; disable a person; No access; stale checks refused', async () => {
    const { sesame, mail, callback, rp, browser } = world;
    const heading = (page: Page, name: string) =>
      page.getByRole('heading', { name, level: 1 }).waitFor();

    // Bob signs up through an app and holds a refresh token; he is not an administrator.
    const bobContext = await browser.newContext();
    const bob = await bobContext.newPage();
    await addVirtualAuthenticator(bob);
    const bobCallback = callback.nextCallback(20_000);
    await bob.goto(
      (await rp.authorizationUrl({ scope: 'openid email offline_access', prompt: 'consent' })).href,
    );
    await signUpInBrowser(bob, mail, 'bob@example.com', 'Bob Builder');
    const bobTokens = await rp.exchange(await bobCallback);
    expect(bobTokens.refresh_token).toBeTruthy();
    await bob.goto(`${sesame.issuer}/admin`);
    await heading(bob, 'No access');

    // Ada signs up, and the operator promotes her from the shell.
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    const adaCallback = callback.nextCallback(20_000);
    await page.goto((await rp.authorizationUrl()).href);
    await signUpInBrowser(page, mail, 'ada@example.com', 'Ada Lovelace');
    await adaCallback;
    const env = { DATA_DIR: sesame.dataDir, ISSUER: sesame.issuer, LOG_LEVEL: 'warn' };
    const promoted = await runCli(['user', 'promote', 'ada@example.com'], env);
    expect(promoted.stdout).toContain('ada@example.com is now an administrator');

    // /admin signs her in through Sesame's own sign-in (her session) and lands on Apps.
    await page.goto(`${sesame.issuer}/admin`);
    await heading(page, 'Administration');
    expect(new URL(page.url()).pathname).toBe('/admin/apps');

    // Add an app through the form; the secret is shown once.
    await page.getByRole('button', { name: 'Add an app' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Cookbook');
    await page.getByLabel('Redirect URIs', { exact: true }).fill(callback.redirectUri);
    await page.getByLabel('Passkey policy').selectOption({ label: 'Any passkey' });
    await page.getByRole('button', { name: 'Save' }).click();
    const clientId = (await page.getByLabel('Client ID').textContent())!.trim();
    const secret = (await page.getByLabel('Client secret').textContent())!.trim();
    expect(secret.length).toBeGreaterThanOrEqual(40);
    await shot(page, 'admin-secret');

    // A real openid-client sign-in with that secret.
    const cookbook = await rpFor(
      sesame.issuer,
      { client_id: clientId, client_secret: secret },
      callback.redirectUri,
    );
    const cookbookCallback = callback.nextCallback(20_000);
    await page.goto((await cookbook.authorizationUrl()).href);
    await page.getByRole('button', { name: 'Allow' }).click();
    const tokens = await cookbook.exchange(await cookbookCallback);
    expect(tokens.claims()!.email).toBe('ada@example.com');

    // Rotate the secret: the old one is refused, the new one accepted.
    await page.goto(`${sesame.issuer}/admin/apps/${clientId}`);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('button', { name: 'Yes, rotate the secret' }).click();
    const rotated = (await page.getByLabel('Client secret').textContent())!.trim();
    expect(rotated).not.toBe(secret);
    const tokenWith = (s: string) =>
      fetch(`${sesame.issuer}/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${Buffer.from(`${clientId}:${s}`).toString('base64')}`,
        },
        body: `grant_type=refresh_token&refresh_token=unknown`,
      });
    expect((await tokenWith(secret)).status).toBe(401);
    expect((await tokenWith(rotated)).status).toBe(400);

    // Delete the app.
    await page.goto(`${sesame.issuer}/admin/apps/${clientId}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete the app' }).click();
    await page.getByText('Deleted.').waitFor();
    expect((await tokenWith(rotated)).status).toBe(401);
    await shot(page, 'admin-apps');

    // A form without a valid CSRF token changes nothing (403).
    const forged = await page.request.post(`${sesame.issuer}/admin/apps`, {
      form: { _csrf: 'forged', name: 'Evil', redirect_uris: callback.redirectUri },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);

    // Disable Bob from People: his session and refresh token die at once.
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByLabel('Search').fill('bob');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'bob@example.com' }).click();
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Yes, disable' }).click();
    await page.getByText('Disabled. Their sessions and tokens have ended.').waitFor();
    await expect(rp.refresh(bobTokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const sessions = await sesame.store.collection<OidcDoc>(oidcCollectionSpec('Session'));
    const bobId = bobTokens.claims()!.sub;
    expect(await sessions.list('payload.accountId', bobId)).toEqual([]);
    await bob.goto(`${sesame.issuer}/account`);
    await bob.getByRole('heading', { name: 'Sign in' }).waitFor();

    // Groups: a new group, a member added and removed again.
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByLabel('Name').fill('staff');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByLabel('Email').fill('bob@example.com');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('listitem').filter({ hasText: 'bob@example.com' }).waitFor();
    expect((await sesame.sesame.admin.groups.show('staff')).members).toEqual(['bob@example.com']);
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No members yet.').waitFor();
    await page.goto(`${sesame.issuer}/admin/people/${bobId}`);

    // Ten minutes later (her sign-in is no longer recent), a change is refused…
    for (const s of await sessions.list('payload.accountId', tokens.claims()!.sub)) {
      const old = Math.floor(Date.now() / 1000) - 600;
      await sessions.upsert({ ...s, payload: { ...s.payload, loginTs: old } });
    }
    await page.reload();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByText('Nothing was changed.').waitFor();
    expect((await sesame.sesame.accounts.get(bobId))?.disabled).toBe(true);
    // …until she confirms with her passkey, in the page.
    await page.getByRole('button', { name: 'Confirm it’s you' }).click();
    await page.getByText('you can make changes for the next 5 minutes').waitFor();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByText('Enabled.').waitFor();
    expect((await sesame.sesame.accounts.get(bobId))?.disabled).toBeUndefined();

    // Every change was audited with Ada as the actor.
    const { events } = await sesame.sesame.audit.list(
      { type: 'admin_action' },
      { offset: 0, limit: 20 },
    );
    const adaId = tokens.claims()!.sub;
    expect(events.filter((e) => e.actor === `admin:${adaId}`).map((e) => e.detail)).toEqual([
      'account enabled',
      expect.any(String),
      expect.any(String),
      expect.any(String),
      expect.stringMatching(/^account disabled/),
      'app “Cookbook” removed',
      'client secret rotated',
      'app “Cookbook” added',
    ]);
    await context.close();
    await bobContext.close();
  }, 120_000);
});
