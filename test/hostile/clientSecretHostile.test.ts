/**
 * Wrong client secrets at the token and device authorization endpoints are limited per client IP and per client:
 * 429 with Retry-After for the rest of the window, never a lockout for good.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LOOSE_LIMITS, startSesame, type RunningSesame } from '../support/startSesame.js';

// Long windows, so a test never straddles two of them.
const WINDOW_MS = 3_600_000;
let s: RunningSesame;
let a: { client_id: string; client_secret?: string };
let b: { client_id: string; client_secret?: string };
beforeAll(async () => {
  // TRUST_PROXY names the test's own address, so X-Forwarded-For picks the client address.
  s = await startSesame(
    { TRUST_PROXY: '127.0.0.1' },
    {
      limits: {
        ...LOOSE_LIMITS,
        clientAuthPerIp: { max: 3, windowMs: WINDOW_MS },
        clientAuthPerClient: { max: 5, windowMs: WINDOW_MS },
      },
    },
  );
  a = await s.registerClient({ name: 'A', redirectUris: ['http://127.0.0.1:9/a'] });
  b = await s.registerClient({ name: 'B', redirectUris: ['http://127.0.0.1:9/b'] });
});
afterAll(async () => {
  await s?.close();
});

type How = 'basic' | 'post';
/** A client-credentials-free token request that only gets as far as client authentication. */
async function token(
  from: string,
  id: string,
  secret: string,
  how: How = 'basic',
  endpoint = '/token',
) {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'nope' });
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Forwarded-For': from,
  };
  if (how === 'basic') {
    headers.Authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  } else {
    body.set('client_id', id);
    body.set('client_secret', secret);
  }
  const res = await fetch(`${s.issuer}${endpoint}`, { method: 'POST', headers, body });
  const json = (await res.json()) as { error?: string };
  return { status: res.status, error: json.error, retryAfter: res.headers.get('retry-after') };
}

describe('wrong client secrets', () => {
  test('per IP: after 3 failures that address gets 429 with Retry-After, even with the right secret', async () => {
    for (let i = 0; i < 3; i++)
      expect(await token('198.51.100.1', a.client_id, 'wrong')).toMatchObject({
        status: 401,
        error: 'invalid_client',
      });
    const limited = await token('198.51.100.1', a.client_id, a.client_secret!);
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(WINDOW_MS / 1000);
    // The real client, elsewhere, is not affected: its secret passes (the refresh token does not).
    expect(await token('198.51.100.2', a.client_id, a.client_secret!)).toMatchObject({
      status: 400,
      error: 'invalid_grant',
    });
  });

  test('per client: failures from many addresses add up, for client_secret_post too', async () => {
    for (let i = 0; i < 5; i++) {
      const how: How = i % 2 ? 'post' : 'basic';
      expect((await token(`203.0.113.${i + 10}`, b.client_id, 'guess', how)).status).toBe(401);
    }
    for (const how of ['basic', 'post'] as const) {
      const limited = await token('203.0.113.99', b.client_id, b.client_secret!, how);
      expect(limited.status).toBe(429);
      expect(Number(limited.retryAfter)).toBeLessThanOrEqual(WINDOW_MS / 1000);
    }
    // Another client from the same fresh address is untouched.
    expect((await token('203.0.113.99', a.client_id, a.client_secret!, 'post')).status).toBe(400);
  });

  test('at the device authorization endpoint too: after 3 failures that address gets 429', async () => {
    const c = await s.registerClient({ name: 'C', redirectUris: ['http://127.0.0.1:9/c'] });
    for (let i = 0; i < 3; i++)
      expect(
        await token('198.51.100.7', c.client_id, 'wrong', 'post', '/device/auth'),
      ).toMatchObject({ status: 401, error: 'invalid_client' });
    const limited = await token(
      '198.51.100.7',
      c.client_id,
      c.client_secret!,
      'post',
      '/device/auth',
    );
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    // Elsewhere the right secret still authenticates: 400 for the request, not 401 or 429.
    const other = await token(
      '198.51.100.8',
      c.client_id,
      c.client_secret!,
      'basic',
      '/device/auth',
    );
    expect(other.status).toBe(400);
  });

  test('successful authentications do not count', async () => {
    for (let i = 0; i < 8; i++)
      expect((await token('192.0.2.50', a.client_id, a.client_secret!)).error).toBe(
        'invalid_grant',
      );
  });
});
