import { describe, expect, test } from '@jest/globals';
import { signUpPerson } from '../support/passkeyFlows.js';
import { rpFor } from '../support/relyingParty.js';
import { REDIRECT, useAdminApi } from '../support/adminApi.js';

const w = useAdminApi();
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

describe('admin API clients', () => {
  test('create (201, secret once) → sign in with it → change → rotate (old secret refused) → delete (204) → 404', async () => {
    const created = await w.call('POST', '/admin/api/clients', {
      body: {
        client_name: 'Notes',
        redirect_uris: [REDIRECT],
        logo_uri: 'https://notes.example/logo.png',
      },
    });
    expect(created.status).toBe(201);
    const { client_id, client_secret } = created.body;
    expect(client_secret.length).toBeGreaterThanOrEqual(40);
    expect(created.body).toMatchObject({
      client_name: 'Notes',
      token_endpoint_auth_method: 'client_secret_basic',
      allowed_groups: [],
      passkey_policy: 'any',
      logo_uri: 'https://notes.example/logo.png',
    });

    const notes = await rpFor(w.sesame.issuer, { client_id, client_secret }, REDIRECT);
    const person = await signUpPerson(
      { issuer: w.sesame.issuer, rp: notes, redirectUri: REDIRECT, mail: w.mail },
      { email: 'notes@example.com' },
    );
    expect(person.tokens.claims()!.sub).toBeTruthy();

    const ids = (await w.call('GET', '/admin/api/clients')).body.map(
      (c: { client_id: string }) => c.client_id,
    );
    expect(ids).toContain(client_id);
    expect(ids).not.toContain('sesame-account');
    const path = `/admin/api/clients/${client_id}`;
    const shown = await w.call('GET', '/admin/api/clients/{id}', { path });
    expect(shown.body).not.toHaveProperty('client_secret');

    const patched = await w.call('PATCH', '/admin/api/clients/{id}', {
      path,
      body: { allowed_groups: ['staff'], passkey_policy: 'device-bound', logo_uri: '' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      client_name: 'Notes',
      redirect_uris: [REDIRECT],
      allowed_groups: ['staff'],
      passkey_policy: 'device-bound',
    });
    expect(patched.body).not.toHaveProperty('logo_uri');
    expect(patched.body).not.toHaveProperty('client_secret');

    const rotated = await w.call('POST', '/admin/api/clients/{id}/rotate-secret', {
      path: `${path}/rotate-secret`,
    });
    expect(rotated.body.client_secret).not.toBe(client_secret);
    const tokenCall = (secret: string) =>
      fetch(`${w.sesame.issuer}/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${Buffer.from(`${client_id}:${secret}`).toString('base64')}`,
        },
        body: 'grant_type=refresh_token&refresh_token=x',
      });
    expect((await tokenCall(client_secret)).status).toBe(401);
    // The new secret authenticates; only the made-up refresh token is refused.
    expect((await tokenCall(rotated.body.client_secret)).status).toBe(400);

    expect((await w.call('DELETE', '/admin/api/clients/{id}', { path })).status).toBe(204);
    const gone = await w.call('GET', '/admin/api/clients/{id}', { path });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({
      error: 'not_found',
      error_description: `no client with id ${client_id}`,
    });

    // Every change is audited with the token as the actor.
    const { events } = await w.sesame.sesame.audit.list(
      { clientId: client_id, type: 'admin_action' },
      { offset: 0, limit: 10 },
    );
    expect(events.map((e) => e.detail)).toEqual([
      'app “Notes” removed',
      'client secret rotated',
      'app “Notes” changed: logoUri, allowedGroups, passkeyPolicy',
      'app “Notes” added',
    ]);
    for (const e of events) expect(e.actor).toBe(`token:${w.tokenId}`);
  });

  test('a public device app: no secret, no redirect URI needed, nothing to rotate', async () => {
    const created = await w.call('POST', '/admin/api/clients', {
      body: { client_name: 'TV', token_endpoint_auth_method: 'none', grant_types: [DEVICE] },
    });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('client_secret');
    expect(created.body.grant_types).toEqual([DEVICE, 'refresh_token']);
    expect(created.body.redirect_uris).toEqual([]);
    const rotate = await w.call('POST', '/admin/api/clients/{id}/rotate-secret', {
      path: `/admin/api/clients/${created.body.client_id}/rotate-secret`,
    });
    expect(rotate.status).toBe(400);
  });

  test.each([
    ['an http redirect URI', { redirect_uris: ['http://evil.example/cb'] }, /https/],
    ['a fragment', { redirect_uris: ['https://a.example/cb#x'] }, /fragment/],
    ['no redirect URI', { redirect_uris: [] }, /redirect URI is required/],
    ['an http logo', { logo_uri: 'http://a.example/l.png' }, /https/],
    ['a bad group name', { allowed_groups: ['Staff!'] }, /group name/],
  ])('400 invalid_client_metadata for %s, and nothing is created', async (_what, extra, why) => {
    const before = (await w.call('GET', '/admin/api/clients')).body.length;
    const body = { client_name: 'X', redirect_uris: [REDIRECT], ...extra };
    const res = await w.call('POST', '/admin/api/clients', { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(res.body.error_description).toMatch(why);
    expect((await w.call('GET', '/admin/api/clients')).body.length).toBe(before);
  });

  test.each([
    ['no name', { redirect_uris: [REDIRECT] }, /client_name/],
    ['an unknown policy', { client_name: 'X', passkey_policy: 'strict' }, /passkey_policy/],
    ['an unknown field', { client_name: 'X', client_secret: 'mine' }, /client_secret/],
    ['a wrong type', { client_name: 42 }, /client_name/],
  ])('400 invalid_request for %s', async (_what, body, why) => {
    const res = await w.call('POST', '/admin/api/clients', { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(why);
  });

  test('unreadable JSON is 400 and a non-JSON body 415, both as JSON errors', async () => {
    const post = (type: string, body: string) =>
      fetch(`${w.sesame.issuer}/admin/api/clients`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${w.token}`, 'Content-Type': type },
        body,
      });
    const bad = await post('application/json', '{"client_name":');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
    const form = await post('application/x-www-form-urlencoded', 'client_name=x');
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  test('an app can be changed to a confidential one: the new secret is returned once', async () => {
    const created = await w.call('POST', '/admin/api/clients', {
      body: { client_name: 'SPA', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' },
    });
    const path = `/admin/api/clients/${created.body.client_id}`;
    const changed = await w.call('PATCH', '/admin/api/clients/{id}', {
      path,
      body: { token_endpoint_auth_method: 'client_secret_basic' },
    });
    expect(changed.body.client_secret).toEqual(expect.any(String));
    const bad = await w.call('PATCH', '/admin/api/clients/{id}', {
      path,
      body: { redirect_uris: ['ftp://x.example/cb'] },
    });
    expect(bad.status).toBe(400);
    const after = await w.call('GET', '/admin/api/clients/{id}', { path });
    expect(after.body.redirect_uris).toEqual([REDIRECT]);
  });
});
