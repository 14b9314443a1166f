import { describe, expect, test } from '@jest/globals';
import { runCli } from '../support/runCli.js';
import { useAdminApi, type Json } from '../support/adminApi.js';

const w = useAdminApi();

describe('admin API tokens', () => {
  test('the OpenAPI 3.1 document is served without a token', async () => {
    const doc = (await (await fetch(`${w.sesame.issuer}/admin/api/openapi.json`)).json()) as Json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/admin/api/clients', '/admin/api/users/{id}']),
    );
  });

  test('token create prints it once; only a hash is stored; token list shows the last use', async () => {
    expect(w.token).toMatch(/^sesame_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const secret = w.token.split('_').slice(2).join('_');
    const stored = await w.sesame.store.collection({ name: 'api_tokens' });
    for await (const doc of stored.all()) expect(JSON.stringify(doc)).not.toContain(secret);
    await w.call('GET', '/admin/api/clients');
    const listed = JSON.parse((await runCli(['token', 'list', '--json'], w.cliEnv)).stdout);
    expect(listed).toEqual([
      { id: w.tokenId, name: 'deploy', created: expect.any(String), lastUsed: expect.any(String) },
    ]);
    // Each use is audited with the token and the request.
    const { events } = await w.sesame.sesame.audit.list(
      { type: 'api_token_used' },
      { offset: 0, limit: 5 },
    );
    expect(events[0]).toMatchObject({
      actor: `token:${w.tokenId}`,
      detail: 'GET /admin/api/clients',
      ip: expect.stringContaining('127.0.0.1'),
    });
    const revoked = await runCli(['token', 'revoke', 'ffffffffffffffff'], w.cliEnv);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('no API token with id ffffffffffffffff');
  });

  test.each([
    ['no Authorization header', () => null],
    ['a wrong scheme', () => `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['a malformed token', () => 'Bearer nope'],
    ['the right id with a wrong secret', () => `Bearer sesame_${w.tokenId}_${'A'.repeat(43)}`],
    ['an unknown token', () => `Bearer sesame_0123456789abcdef_${'B'.repeat(43)}`],
  ])('401 JSON for %s', async (_what, auth) => {
    const res = await w.call('GET', '/admin/api/users', { auth: auth() });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  test('a revoked token stops working at once; tokens cannot be made over the API', async () => {
    const cli = { kind: 'cli' } as const;
    const created = await w.sesame.sesame.admin.tokens.create(cli, 'short-lived');
    const auth = `Bearer ${created.token}`;
    expect((await w.call('GET', '/admin/api/users', { auth })).status).toBe(200);
    const revoked = await runCli(['token', 'revoke', created.id, '--json'], w.cliEnv);
    expect(JSON.parse(revoked.stdout)).toEqual({ revoked: created.id });
    expect((await w.call('GET', '/admin/api/users', { auth })).status).toBe(401);
    const res = await fetch(`${w.sesame.issuer}/admin/api/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${w.token}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });

  test('a session cookie is no way in: the API takes only bearer tokens', async () => {
    const res = await fetch(`${w.sesame.issuer}/admin/api/users`, {
      headers: { Cookie: '_session=anything; _session.sig=anything' },
    });
    expect(res.status).toBe(401);
  });
});

describe('admin API limits', () => {
  test('wrong tokens from one address are refused with 429 and Retry-After after 20 tries', async () => {
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++)
      last = (await w.call('GET', '/admin/api/users', { auth: 'Bearer wrong' })).status;
    expect(last).toBe(429);
    const res = await fetch(`${w.sesame.issuer}/admin/api/users`, {
      headers: { Authorization: 'Bearer wrong' },
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
