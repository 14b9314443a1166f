import { describe, expect, test } from '@jest/globals';
import { oidcCollectionSpec, type OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';
import { signUpPerson } from '../support/passkeyFlows.js';
import { REDIRECT, useAdminApi } from '../support/adminApi.js';

const w = useAdminApi();

describe('admin API users', () => {
  test('list, search, read, disable (sessions and tokens die), enable, admin role, recovery link, delete', async () => {
    const person = await signUpPerson(
      { issuer: w.sesame.issuer, rp: w.rp, redirectUri: REDIRECT, mail: w.mail },
      {
        email: 'pat@example.com',
        name: 'Pat Doe',
        authorizationParams: { scope: 'openid email offline_access', prompt: 'consent' },
      },
    );
    const id = person.sub;
    const path = `/admin/api/users/${id}`;
    const all = await w.call('GET', '/admin/api/users');
    expect(all.body).toEqual([
      {
        id,
        email: 'pat@example.com',
        name: 'Pat Doe',
        disabled: false,
        admin: false,
        groups: [],
        created: expect.any(String),
      },
    ]);
    const found = await w.call('GET', '/admin/api/users', {
      path: '/admin/api/users?search=pat%20d',
    });
    expect(found.body.map((u: { id: string }) => u.id)).toEqual([id]);
    const none = await w.call('GET', '/admin/api/users', { path: '/admin/api/users?search=zed' });
    expect(none.body).toEqual([]);
    expect((await w.call('GET', '/admin/api/users/{id}', { path })).body.email).toBe(
      'pat@example.com',
    );

    const disabled = await w.call('PATCH', '/admin/api/users/{id}', {
      path,
      body: { disabled: true },
    });
    expect(disabled.body.disabled).toBe(true);
    await expect(w.rp.refresh(person.tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(w.rp.userinfo(person.tokens.access_token, id)).rejects.toMatchObject({
      status: 401,
    });
    const sessions = await w.sesame.store.collection<OidcDoc>(oidcCollectionSpec('Session'));
    expect(await sessions.list('payload.accountId', id)).toEqual([]);

    const enabled = await w.call('PATCH', '/admin/api/users/{id}', {
      path,
      body: { disabled: false, admin: true },
    });
    expect(enabled.body).toMatchObject({ disabled: false, admin: true });
    const bad = await w.call('PATCH', '/admin/api/users/{id}', { path, body: { admin: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');

    const link = await w.call('POST', '/admin/api/users/{id}/recovery-link', {
      path: `${path}/recovery-link`,
    });
    expect(link.body.url.startsWith(`${w.sesame.issuer}/recovery?token=`)).toBe(true);

    const events = await w.sesame.sesame.audit.forAccount(id);
    const actions = events.filter((e) => e.type === 'admin_action');
    expect(actions.map((e) => e.detail)).toEqual(
      expect.arrayContaining([
        'admin role granted',
        'account enabled',
        expect.stringMatching(/^account disabled/),
        expect.stringMatching(/^recovery link issued/),
      ]),
    );
    for (const e of actions) expect(e.actor).toBe(`token:${w.tokenId}`);

    expect((await w.call('DELETE', '/admin/api/users/{id}', { path })).status).toBe(204);
    expect((await w.call('GET', '/admin/api/users/{id}', { path })).status).toBe(404);
    expect(await w.sesame.sesame.credentials.forAccount(id)).toEqual([]);
  });

  test('an administrator cannot disable, demote or delete themselves from the console', async () => {
    const site = { issuer: w.sesame.issuer, rp: w.rp, redirectUri: REDIRECT, mail: w.mail };
    const { sub } = await signUpPerson(site, { email: 'self@example.com' });
    const people = w.sesame.sesame.admin.people;
    await people.promote({ kind: 'cli' }, { id: sub });
    const me = { kind: 'admin', accountId: sub } as const;
    for (const change of [people.disable, people.demote, people.remove])
      await expect(change(me, { id: sub })).rejects.toMatchObject({ status: 400 });
    const account = await w.sesame.sesame.accounts.get(sub);
    expect(account).toMatchObject({ admin: true });
    expect(account?.disabled).toBeUndefined();
  });

  test('unknown ids are 404, malformed ones 400', async () => {
    const path = '/admin/api/users/nobody';
    expect((await w.call('GET', '/admin/api/users/{id}', { path })).status).toBe(404);
    const patch = await w.call('PATCH', '/admin/api/users/{id}', {
      path,
      body: { disabled: true },
    });
    expect(patch.status).toBe(404);
    const odd = await w.call('DELETE', '/admin/api/clients/{id}', {
      path: '/admin/api/clients/%24%24',
    });
    expect(odd.status).toBe(400);
  });
});
