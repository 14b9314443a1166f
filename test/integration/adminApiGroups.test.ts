import { describe, expect, test } from '@jest/globals';
import { signUpPerson } from '../support/passkeyFlows.js';
import { REDIRECT, useAdminApi } from '../support/adminApi.js';

const w = useAdminApi();

describe('admin API groups', () => {
  test('create (201) with members, list, read, set members, delete (204), refusals', async () => {
    const site = { issuer: w.sesame.issuer, rp: w.rp, redirectUri: REDIRECT, mail: w.mail };
    await signUpPerson(site, { email: 'kim@example.com' });
    await signUpPerson(site, { email: 'lee@example.com' });
    const created = await w.call('POST', '/admin/api/groups', {
      body: { name: 'staff', members: ['kim@example.com'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: 'staff', members: ['kim@example.com'] });
    expect((await w.call('GET', '/admin/api/groups')).body).toEqual([created.body]);
    const path = '/admin/api/groups/staff';
    const set = await w.call('PATCH', '/admin/api/groups/{id}', {
      path,
      body: { members: ['lee@example.com'] },
    });
    expect(set.body).toEqual({ name: 'staff', members: ['lee@example.com'] });
    const unknown = await w.call('PATCH', '/admin/api/groups/{id}', {
      path,
      body: { members: ['nobody@example.com'] },
    });
    expect(unknown.status).toBe(404);
    expect((await w.call('GET', '/admin/api/groups/{id}', { path })).body.members).toEqual([
      'lee@example.com',
    ]);
    const users = (await w.call('GET', '/admin/api/users')).body as {
      email: string;
      groups: string[];
    }[];
    expect(users.find((u) => u.email === 'lee@example.com')?.groups).toEqual(['staff']);
    const bad = await w.call('POST', '/admin/api/groups', { body: { name: 'Not Valid!' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error_description).toBeTruthy();
    expect((await w.call('DELETE', '/admin/api/groups/{id}', { path })).status).toBe(204);
    expect((await w.call('GET', '/admin/api/groups/{id}', { path })).status).toBe(404);
    const { events } = await w.sesame.sesame.audit.list(
      { type: 'admin_action' },
      { offset: 0, limit: 50 },
    );
    expect(events.filter((e) => e.actor === `token:${w.tokenId}`).length).toBeGreaterThanOrEqual(5);
  });
});
