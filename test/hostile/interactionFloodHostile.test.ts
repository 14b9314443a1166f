/**
 * Anonymous `GET /auth` stores an interaction per request: new interactions are limited per
 * client IP, so one address cannot grow the store at line rate.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { oidcCollectionSpec, type OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { LOOSE_LIMITS, startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
let s: RunningSesame;
let rp: RelyingParty;
beforeAll(async () => {
  s = await startSesame(
    { TRUST_PROXY: '127.0.0.1' },
    { limits: { ...LOOSE_LIMITS, interactionsPerIp: { max: 3, windowMs: 3_600_000 } } },
  );
  rp = await connectRp(s, { name: 'Flood', redirectUris: [REDIRECT] });
});
afterAll(async () => {
  await s?.close();
});

/** One anonymous authorization request from `ip` (no cookies), not followed. */
async function authorize(ip: string, params: Record<string, string> = {}) {
  const res = await fetch(await rp.authorizationUrl(params), {
    redirect: 'manual',
    headers: { 'X-Forwarded-For': ip, Accept: 'text/html' },
  });
  return { status: res.status, location: res.headers.get('location') ?? '', res };
}

async function interactions(): Promise<number> {
  return (await s.store.collection<OidcDoc>(oidcCollectionSpec('Interaction'))).count();
}

describe('new interactions per IP', () => {
  test('past the limit an address gets a 429 page with Retry-After, and nothing is stored', async () => {
    const before = await interactions();
    for (let i = 0; i < 3; i++)
      expect((await authorize('198.51.100.1')).location).toMatch(/\/interaction\//);
    expect(await interactions()).toBe(before + 3);
    for (let i = 0; i < 5; i++) {
      const { status, res } = await authorize('198.51.100.1');
      expect(status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.text()).toMatch(/Too many/i);
    }
    expect(await interactions()).toBe(before + 3);
    // Another address is not affected.
    expect((await authorize('198.51.100.2')).location).toMatch(/\/interaction\//);
  });

  test('requests that store no interaction (prompt=none without a session) do not count', async () => {
    for (let i = 0; i < 6; i++) {
      const { location } = await authorize('203.0.113.7', { prompt: 'none' });
      expect(new URL(location).searchParams.get('error')).toBe('login_required');
    }
    expect((await authorize('203.0.113.7')).location).toMatch(/\/interaction\//);
  });
});
