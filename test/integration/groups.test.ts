import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createAuditLog } from '../../src/accounts/auditLog.js';
import { adminActionRecorder, type RecordAdminAction } from '../../src/admin/adminAudit.js';
import { createClientAdmin } from '../../src/admin/clientAdmin.js';
import { createGroupAdmin, type GroupAdmin } from '../../src/admin/groupAdmin.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  csrfOf,
  signIn,
  signUpPerson,
  type SignedUpPerson,
} from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const CLI = { kind: 'cli' } as const;
const atCallback = (u: URL) => u.href.startsWith(REDIRECT);

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;
let admin: GroupAdmin;
let record: RecordAdminAction;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url });
  rp = await connectRp(sesame, { name: 'Photo Album', redirectUris: [REDIRECT] });
  record = adminActionRecorder(await createAuditLog(sesame.store));
  admin = await createGroupAdmin(sesame.store, record);
});
afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

const person = (email: string, scope = 'openid email profile groups') =>
  signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email, authorizationParams: { scope } },
  );

/** An app restricted to `groups`, connected as an openid-client relying party. */
function restrictedApp(name: string, groups: string[]) {
  return connectRp(sesame, { name, redirectUris: [REDIRECT], allowedGroups: groups });
}

/** Authorizes with an existing session; returns the page or the callback it ended at. */
async function authorize(agent: HttpAgent, app: RelyingParty, params = {}) {
  const url = await app.authorizationUrl({ scope: 'openid email profile groups', ...params });
  const state = app.pending.get(new URL(url).searchParams.get('state')!)!.state;
  const { response, url: at } = await agent.follow(url, atCallback);
  return { at, status: response.status, html: atCallback(at) ? '' : await response.text(), state };
}

describe('scope groups', () => {
  test('discovery lists scope and claim groups', async () => {
    const meta = rp.config.serverMetadata();
    expect(meta.scopes_supported).toContain('groups');
    expect(meta.claims_supported).toContain('groups');
  });

  test('the groups claim reaches the relying party in the ID token and at UserInfo', async () => {
    await admin.create(CLI, 'photographers');
    await admin.create(CLI, 'editors');
    const { agent, sub } = await person('grace@example.com', 'openid email');
    await admin.addMember(CLI, 'photographers', 'grace@example.com');
    await admin.addMember(CLI, 'editors', 'grace@example.com');
    // Remembered consent covers openid and email only: groups is asked for again, by name.
    const { at, html } = await authorize(agent, rp);
    expect(html).toContain('See your groups');
    expect(html).not.toContain('See your email address');
    const { callback } = await continueToCallback(agent, at.href, REDIRECT);
    const tokens = await rp.exchange(callback);
    expect(tokens.claims()).toMatchObject({ sub, groups: ['editors', 'photographers'] });
    const info = await rp.userinfo(tokens.access_token, sub);
    expect(info.groups).toEqual(['editors', 'photographers']);
  });

  test('without scope groups no groups claim is released', async () => {
    const { tokens, sub } = await person('nogroups@example.com', 'openid email');
    await admin.addMember(CLI, 'editors', 'nogroups@example.com');
    expect(tokens.claims()!.groups).toBeUndefined();
    expect((await rp.userinfo(tokens.access_token, sub)).groups).toBeUndefined();
  });
});

describe('custom claims', () => {
  test('a person’s value wins over a group’s; released with profile, in the ID token and at UserInfo', async () => {
    const p = await person('claims@example.com', 'openid email');
    await admin.create(CLI, 'staff');
    await admin.create(CLI, 'aaa-first');
    await admin.addMember(CLI, 'staff', p.email);
    await admin.addMember(CLI, 'aaa-first', p.email);
    await admin.setGroupClaim(CLI, 'staff', 'department', 'all-staff');
    await admin.setGroupClaim(CLI, 'staff', 'roles', ['viewer']);
    await admin.setGroupClaim(CLI, 'aaa-first', 'roles', ['editor']);
    await admin.setUserClaim(CLI, p.email, 'department', 'research');

    const withProfile = await tokensFor(p, 'openid profile');
    const claims = withProfile.claims()!;
    // The person's own value over the group's; between groups the first by name.
    expect(claims).toMatchObject({ department: 'research', roles: ['editor'] });
    const info = await rp.userinfo(withProfile.access_token, p.sub);
    expect(info).toMatchObject({ department: 'research', roles: ['editor'] });

    await admin.unsetUserClaim(CLI, p.email, 'department');
    const after = await tokensFor(p, 'openid profile');
    expect(after.claims()).toMatchObject({ department: 'all-staff' });

    const without = await tokensFor(p, 'openid email');
    expect(without.claims()!.department).toBeUndefined();
    expect((await rp.userinfo(without.access_token, p.sub)).roles).toBeUndefined();
  });

  test('protocol and registered names, bad JSON and oversized values are refused, nothing stored', async () => {
    await admin.create(CLI, 'refusals');
    for (const name of ['sub', 'iss', 'email', 'groups', 'acr', 'nonce', 'given_name', 'sid']) {
      await expect(admin.setGroupClaim(CLI, 'refusals', name, 'x')).rejects.toThrow(
        /cannot be a custom claim/,
      );
    }
    await expect(admin.setGroupClaim(CLI, 'refusals', 'big', 'x'.repeat(2000))).rejects.toThrow(
      /too large/,
    );
    await expect(admin.setGroupClaim(CLI, 'refusals', 'nothing', null)).rejects.toThrow(/null/);
    expect((await admin.show('refusals')).claims).toEqual({});
  });

  async function tokensFor(p: SignedUpPerson, scope: string) {
    const { at } = await authorize(p.agent, rp, { scope });
    const { callback } = await continueToCallback(p.agent, at.href, REDIRECT);
    return rp.exchange(callback);
  }
});

describe('apps open only to some groups', () => {
  test('a non-member with a session sees “No access”; Back returns access_denied with state; nothing issued; audited', async () => {
    const app = await restrictedApp('Grafana', ['ops']);
    await admin.create(CLI, 'ops');
    const { agent, sub } = await person('outsider@example.com');
    const { at, status, html, state } = await authorize(agent, app);
    expect(status).toBe(403);
    expect(html).toContain('<h1>No access</h1>');
    expect(html).toContain('Grafana');
    expect(html).toContain('Back to Grafana');
    const back = await agent.postForm(`${at.pathname}/back`, { _csrf: csrfOf(html) });
    expect(back.status).toBe(303);
    const { url } = await agent.follow(back.headers.get('location')!, atCallback);
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('code')).toBeNull();
    const events = await sesame.sesame.audit.forAccount(sub);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'access_refused', clientId: app.client.client_id }),
    );
  });

  test('the Back form needs its CSRF token', async () => {
    const app = await restrictedApp('Grafana CSRF', ['ops']);
    const { agent } = await person('csrf-outsider@example.com');
    const { at } = await authorize(agent, app);
    const back = await agent.postForm(`${at.pathname}/back`, { _csrf: 'forged' });
    expect(back.status).toBe(403);
  });

  test('prompt=none answers access_denied at once', async () => {
    const app = await restrictedApp('Silent App', ['ops']);
    const { agent } = await person('silent@example.com');
    const { at, state } = await authorize(agent, app, { prompt: 'none' });
    expect(at.searchParams.get('error')).toBe('access_denied');
    expect(at.searchParams.get('state')).toBe(state);
  });

  test('a member is admitted; removed from the group, the next refresh fails and UserInfo refuses', async () => {
    const app = await restrictedApp('Portainer', ['admins', 'ops']);
    await admin.create(CLI, 'admins');
    const { agent } = await person('member@example.com');
    await admin.addMember(CLI, 'admins', 'member@example.com');
    const { at } = await authorize(agent, app, {
      scope: 'openid groups offline_access',
      prompt: 'consent',
    });
    const { callback } = await continueToCallback(agent, at.href, REDIRECT);
    const tokens = await app.exchange(callback);
    expect(tokens.claims()!.groups).toEqual(['admins']);
    const refreshed = await app.refresh(tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();

    await admin.removeMember(CLI, 'admins', 'member@example.com');
    await expect(app.refresh(refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(app.userinfo(refreshed.access_token)).rejects.toThrow();
    // And the existing session meets "No access" at the next authorization.
    const again = await authorize(agent, app);
    expect(again.html).toContain('No access');
  });

  test('a person who signs in to a restricted app without being a member meets “No access” after the ceremony', async () => {
    const app = await restrictedApp('Nextcloud', ['ops']);
    const { authenticator } = await person('late@example.com');
    const agent = createHttpAgent(sesame.issuer);
    const { at: page } = await authorize(agent, app);
    const uid = page.pathname.split('/')[2]!;
    const result = await signIn({ agent, uid, authenticator });
    expect(result.status).toBe(200);
    const { response } = await agent.follow(result.body.redirectTo!, atCallback);
    expect(await response.text()).toContain('No access');
  });

  test('removing a group takes it off apps’ lists; the last group of an app is not removed', async () => {
    await admin.create(CLI, 'temp');
    await admin.create(CLI, 'keep');
    const both = await restrictedApp('Two Groups', ['temp', 'keep']);
    const only = await restrictedApp('Only Temp', ['temp']);
    await expect(admin.remove(CLI, 'temp')).rejects.toThrow(/only group allowed to use Only Temp/);
    expect((await admin.show('temp')).apps.map((a) => a.client_id).sort()).toEqual(
      [both.client.client_id, only.client.client_id].sort(),
    );
    const clients = await createClientAdmin(sesame.store, record);
    await clients.update(CLI, only.client.client_id, { allowedGroups: ['keep'] });
    const removed = await admin.remove(CLI, 'temp');
    expect(removed.apps).toEqual([both.client.client_id]);
    const client = await sesame.sesame.provider.Client.find(both.client.client_id);
    expect(client!.metadata().allowed_groups).toEqual(['keep']);
    await expect(admin.show('temp')).rejects.toThrow(/no group named temp/);
  });
});
