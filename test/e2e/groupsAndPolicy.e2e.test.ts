import { describe, expect, test } from '@jest/globals';
import { createAuditLog } from '../../src/accounts/auditLog.js';
import { adminActionRecorder } from '../../src/admin/adminAudit.js';
import { createGroupAdmin } from '../../src/admin/groupAdmin.js';
import {
  addVirtualAuthenticator,
  e2eEnabled,
  type VirtualAuthenticatorOptions,
} from '../support/browser.js';
import { holdAutofill, signUpInBrowser, useE2eWorld } from '../support/e2eWorld.js';
import { verifyJwt } from '../support/jwt.js';
import { connectRp } from '../support/relyingParty.js';

const run = e2eEnabled() ? describe : describe.skip;
const CLI = { kind: 'cli' } as const;

run('e2e: groups, “No access” and the device-bound passkey policy in Chromium', () => {
  const world = useE2eWorld('Recipe Box');

  /** A fresh browser profile with its own virtual authenticator, signed up at the world's app. */
  async function signedUp(email: string, authenticator: VirtualAuthenticatorOptions = {}) {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(page, authenticator);
    const received = world.callback.nextCallback(20_000);
    await page.goto((await world.rp.authorizationUrl()).href);
    await signUpInBrowser(page, world.mail, email, 'Test Person');
    await world.rp.exchange(await received);
    return { page, close: () => context.close() };
  }

  const groupAdmin = async () =>
    createGroupAdmin(
      world.sesame.store,
      adminActionRecorder(await createAuditLog(world.sesame.store)),
    );

  test('an app open to one group: “No access” with Back to the app, then admitted with the groups claim once a member', async () => {
    const { sesame, callback } = world;
    const admin = await groupAdmin();
    await admin.create(CLI, 'ops');
    const grafana = await connectRp(sesame, {
      name: 'Grafana',
      redirectUris: [callback.redirectUri],
      allowedGroups: ['ops'],
    });
    const { page, close } = await signedUp('ops-later@example.com');
    try {
      const refused = callback.nextCallback(20_000);
      const url = await grafana.authorizationUrl({ scope: 'openid groups' });
      await page.goto(url.href);
      await expect(page.getByRole('heading', { name: 'No access' }).isVisible()).resolves.toBe(
        true,
      );
      await expect(page.getByText('Grafana', { exact: true }).first().isVisible()).resolves.toBe(
        true,
      );
      await page.getByRole('button', { name: 'Back to Grafana' }).click();
      const back = await refused;
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('state')).toBe(url.searchParams.get('state'));

      await admin.addMember(CLI, 'ops', 'ops-later@example.com');
      const admitted = callback.nextCallback(20_000);
      await page.goto((await grafana.authorizationUrl({ scope: 'openid groups' })).href);
      await page.getByRole('button', { name: 'Allow' }).click();
      const tokens = await grafana.exchange(await admitted);
      expect(tokens.claims()!.groups).toEqual(['ops']);
    } finally {
      await close();
    }
  }, 90_000);

  test('device-bound only: a synced passkey is refused on the page with words; a device-bound one signs in with acr phrh', async () => {
    const { sesame, callback } = world;
    const vault = await connectRp(sesame, {
      name: 'Vault',
      redirectUris: [callback.redirectUri],
      passkeyPolicy: 'device-bound',
    });

    // Someone whose passkey is synced (backup eligible and backed up).
    const synced = await signedUp('synced-e2e@example.com', {
      defaultBackupEligibility: true,
      defaultBackupState: true,
    });
    try {
      const { page } = synced;
      const held = await holdAutofill(page);
      const url = await vault.authorizationUrl();
      await page.goto(url.href);
      // Signed in with a synced passkey, so asked to sign in again rather than refused at once.
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      await expect(
        page.getByText('Vault accepts only a passkey that stays on one device').isVisible(),
      ).resolves.toBe(true);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      const alert = page.getByRole('alert');
      await alert.filter({ hasText: 'synced between devices' }).waitFor({ timeout: 20_000 });
      await held();
      // Still on the page, with a way back that tells the app why.
      const back = callback.nextCallback(20_000);
      await page.getByRole('button', { name: 'Back to Vault' }).click();
      const answer = await back;
      expect(answer.searchParams.get('error')).toBe('unmet_authentication_requirements');
      expect(answer.searchParams.get('state')).toBe(url.searchParams.get('state'));
    } finally {
      await synced.close();
    }

    // Someone with a device-bound passkey (kept on this device, never synced) signs in.
    const bound = await signedUp('bound-e2e@example.com', { defaultBackupEligibility: false });
    try {
      const { page } = bound;
      const held = await holdAutofill(page);
      const received = callback.nextCallback(20_000);
      await page.goto((await vault.authorizationUrl({ prompt: 'login' })).href);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      const tokens = await vault.exchange(await received);
      const verified = await verifyJwt(sesame.issuer, tokens.id_token!);
      expect(verified.acr).toBe('phrh');
      expect(verified.amr).toEqual(expect.arrayContaining(['hwk', 'mfa']));
      await held();
    } finally {
      await bound.close();
    }
  }, 120_000);
});
