import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createAdminService, type AdminService } from '../../src/admin/adminService.js';
import type { UserDetails, UserSummary } from '../../src/admin/peopleViews.js';
import { rendererFor } from '../../src/http/renderer.js';
import { createLogger } from '../../src/log/createLogger.js';
import { createMailer } from '../../src/mail/mailer.js';
import { oidcCollectionSpec, type OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { mailLinks, startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  openInteraction,
  signIn,
  signUpPerson,
} from '../support/passkeyFlows.js';
import { groupTraces, joinGroupWithClaim } from '../support/groupTraces.js';
import { completeRecovery, tokenOf } from '../support/recoveryFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { runCli } from '../support/runCli.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const DAY_MS = 24 * 3600 * 1000;

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;
let service: AdminService;
const CLI = { kind: 'cli' } as const;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url });
  rp = await connectRp(sesame, { name: 'Tasks', redirectUris: [REDIRECT] });
  // Exactly what `sesame user …` builds, over the running server's store.
  service = await createAdminService({
    store: sesame.store,
    issuer: sesame.issuer,
    rpName: sesame.config.rpName,
    renderer: rendererFor(sesame.config),
    mailer: createMailer({
      smtpUrl: mail.url,
      from: sesame.config.mailFrom,
      logger: createLogger('silent'),
    }),
    cliUser: 'test operator',
  });
  cliEnv = {
    DATA_DIR: sesame.dataDir,
    ISSUER: sesame.issuer,
    SMTP_URL: mail.url,
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

let counter = 0;
/** Someone who signed up, with tokens (a refresh token too: offline_access with consent). */
async function person() {
  const { email, authenticator, agent, tokens, sub } = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    {
      email: `user${++counter}@example.com`,
      name: 'Pat User',
      authorizationParams: { scope: 'openid email offline_access', prompt: 'consent' },
    },
  );
  return { email, authenticator, agent, tokens, accountId: sub };
}

const json = <T>(stdout: string): T => JSON.parse(stdout) as T;

describe('user delete', () => {
  test('removes the person’s group memberships and custom claims with the account', async () => {
    const p = await person();
    await joinGroupWithClaim(service, 'deleted-members', p.email);
    expect(await groupTraces(sesame.store, p.accountId)).toEqual({
      groups: ['deleted-members'],
      claims: { department: 'research' },
    });
    await service.people.remove(CLI, { email: p.email });
    expect(await groupTraces(sesame.store, p.accountId)).toEqual({ groups: [], claims: {} });
    expect((await service.groups.show('deleted-members')).members).toEqual([]);
  });
});

describe('admin recovery link (`sesame user recovery-link`)', () => {
  test('the CLI’s function: a one-time link valid 24 h, a notice mail without the link, audited', async () => {
    const p = await person();
    const before = Date.now();
    const issued = await service.people.issueRecoveryLink(CLI, { email: p.email.toUpperCase() });
    expect(issued.url.startsWith(`${sesame.issuer}/recovery?token=`)).toBe(true);
    expect(issued.notified).toBe(true);
    const expires = Date.parse(issued.expiresAt);
    expect(expires - before).toBeGreaterThanOrEqual(DAY_MS - 1000);
    expect(expires - before).toBeLessThanOrEqual(DAY_MS + 60_000);

    const notice = await mail.waitFor(p.email, (m) =>
      m.subject.includes('recovery link was issued'),
    );
    expect(notice.subject).toBe(
      `A recovery link was issued for your account — ${sesame.config.rpName}`,
    );
    expect(notice.html).toContain('An administrator');
    expect(notice.text).not.toContain(tokenOf(issued.url));
    for (const l of mailLinks(notice)) expect(l.startsWith(sesame.issuer)).toBe(true);

    const events = await sesame.sesame.audit.forAccount(p.accountId);
    expect(events.find((e) => e.type === 'admin_action')).toMatchObject({
      detail: expect.stringContaining('recovery link issued'),
      userAgent: 'test operator',
      actor: 'cli',
    });

    // It works once (no sign-in to finish: it was not asked for from a sign-in page)…
    const phone = createHttpAgent(sesame.issuer);
    const replacement = new SoftAuthenticator({ origin: sesame.issuer });
    const used = await completeRecovery(phone, sesame.issuer, issued.url, replacement);
    expect(used.status).toBe(200);
    expect(used.body.redirectTo).toBe('/recovery/done');
    expect((await sesame.sesame.credentials.forAccount(p.accountId)).length).toBe(2);
    const usedEvent = (await sesame.sesame.audit.forAccount(p.accountId)).find(
      (e) => e.type === 'recovery_used',
    );
    expect(usedEvent?.detail).toContain('administrator');
    // …and not twice.
    expect((await phone.request(issued.url)).status).toBe(410);
  });

  test('refuses an unknown or a disabled account', async () => {
    await expect(
      service.people.issueRecoveryLink(CLI, { email: 'nobody@example.com' }),
    ).rejects.toThrow('no account with email nobody@example.com');
    const p = await person();
    await service.people.disable(CLI, { email: p.email });
    await expect(service.people.issueRecoveryLink(CLI, { email: p.email })).rejects.toThrow(
      /disabled/,
    );
  });

  test('the real CLI (child process, --json) prints a link that works against the running server', async () => {
    const p = await person();
    const run = await runCli(['user', 'recovery-link', p.email, '--json'], cliEnv);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const issued = json<{ url: string; expiresAt: string; email: string }>(run.stdout);
    expect(issued.email).toBe(p.email);
    expect(issued.url.startsWith(`${sesame.issuer}/recovery?token=`)).toBe(true);
    await mail.waitFor(p.email, (m) => m.subject.includes('recovery link was issued'));
    const replacement = new SoftAuthenticator({ origin: sesame.issuer });
    const used = await completeRecovery(
      createHttpAgent(sesame.issuer),
      sesame.issuer,
      issued.url,
      replacement,
    );
    expect(used.status).toBe(200);
    // The new passkey signs in.
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    expect((await signIn({ agent, uid, authenticator: replacement })).status).toBe(200);
  });
});

describe('user CLI: list, show, disable, enable (child process, --json)', () => {
  test('disable ends sessions, grants and tokens at once (refresh → invalid_grant, userinfo → 401); enable lets the person back in', async () => {
    const p = await person();
    expect(p.tokens.refresh_token).toBeTruthy();
    await expect(rp.userinfo(p.tokens.access_token, p.accountId)).resolves.toMatchObject({
      sub: p.accountId,
    });

    const run = await runCli(['user', 'disable', p.email, '--json'], cliEnv);
    expect(run.code).toBe(0);
    const out = json<UserSummary & { ended: { sessions: number; grants: number } }>(run.stdout);
    expect(out).toMatchObject({ email: p.email, disabled: true });
    expect(out.ended.sessions).toBeGreaterThanOrEqual(1);
    expect(out.ended.grants).toBeGreaterThanOrEqual(1);

    await expect(rp.refresh(p.tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(rp.userinfo(p.tokens.access_token, p.accountId)).rejects.toMatchObject({
      status: 401,
    });
    // Nothing issued under the account's grants is left in the store.
    for (const model of ['Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode']) {
      const col = await sesame.store.collection<OidcDoc>(oidcCollectionSpec(model));
      for await (const doc of col.all()) expect(doc.payload.accountId).not.toBe(p.accountId);
    }
    // The browser's session is gone: the app's next request asks to sign in again.
    const { html } = await openInteraction(p.agent, await rp.authorizationUrl());
    expect(html).toContain('<h1>Sign in</h1>');
    // And the passkey is refused while disabled.
    const fresh = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(fresh, await rp.authorizationUrl());
    expect((await signIn({ agent: fresh, uid, authenticator: p.authenticator })).status).toBe(403);

    const enabled = await runCli(['user', 'enable', p.email, '--json'], cliEnv);
    expect(enabled.code).toBe(0);
    expect(json<UserSummary>(enabled.stdout)).toMatchObject({ email: p.email, disabled: false });
    const again = createHttpAgent(sesame.issuer);
    const next = await openInteraction(again, await rp.authorizationUrl());
    const result = await signIn({ agent: again, uid: next.uid, authenticator: p.authenticator });
    expect(result.status).toBe(200);
    const tokens = await rp.exchange(
      (await continueToCallback(again, result.body.redirectTo!, REDIRECT)).callback,
    );
    await expect(rp.userinfo(tokens.access_token, p.accountId)).resolves.toMatchObject({
      sub: p.accountId,
    });
  });

  test('list and show (passkeys and recent activity, with IP and user agent), in JSON and for people', async () => {
    const p = await person();
    const list = await runCli(['user', 'list', '--json'], cliEnv);
    expect(list.code).toBe(0);
    const users = json<UserSummary[]>(list.stdout);
    expect(users.find((u) => u.email === p.email)).toEqual({
      id: p.accountId,
      email: p.email,
      name: 'Pat User',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      disabled: false,
      admin: false,
      passkeys: 1,
    });

    const show = await runCli(['user', 'show', p.email, '--json'], cliEnv);
    expect(show.code).toBe(0);
    const details = json<UserDetails>(show.stdout);
    expect(details.account.id).toBe(p.accountId);
    const credentialId = p.authenticator.credentials[0]!.id;
    expect(details.passkeys).toEqual([
      {
        id: `${credentialId.slice(0, 12)}…`,
        name: 'Passkey',
        aaguid: '00000000-0000-0000-0000-000000000000',
        kind: 'device-bound',
        createdAt: expect.stringMatching(/^\d{4}-/),
        lastUsedAt: expect.stringMatching(/^\d{4}-/),
      },
    ]);
    expect(show.stdout).not.toContain(credentialId);
    const types = details.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['signup', 'passkey_added']));
    for (const e of details.events) {
      expect(e.ip).toMatch(/127\.0\.0\.1/);
      expect(e.userAgent).toBeTruthy();
    }

    const human = await runCli(['user', 'show', p.email], cliEnv);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(p.email);
    expect(human.stdout).toContain('device-bound');
    expect(human.stdout).toContain('signup');
    const humanList = await runCli(['user', 'list'], cliEnv);
    expect(humanList.stdout).toMatch(new RegExp(`${p.email}\\s+Pat User\\s+1\\s+false\\s+false`));
  });

  test('an unknown or invalid email: non-zero exit, the reason on stderr, nothing on stdout', async () => {
    for (const command of ['show', 'disable', 'enable', 'recovery-link']) {
      const run = await runCli(['user', command, 'nobody@example.com', '--json'], cliEnv);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(json<{ error: string }>(run.stderr.trim().split('\n').pop()!)).toEqual({
        error: 'no account with email nobody@example.com',
      });
    }
    const human = await runCli(['user', 'show', 'not-an-email'], cliEnv);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('sesame: "not-an-email" is not a valid email address');
  });

  test('admin actions are audited and shown by `user show`', async () => {
    const p = await person();
    await service.people.disable(CLI, { email: p.email });
    await service.people.enable(CLI, { email: p.email });
    const details = await service.people.show({ email: p.email });
    const actions = details.events.filter((e) => e.type === 'admin_action').map((e) => e.detail);
    expect(actions).toHaveLength(2);
    expect(actions).toEqual(
      expect.arrayContaining([
        'account enabled',
        'account disabled; ended 1 session(s) and 1 grant(s)',
      ]),
    );
  });
});
