/**
 * `TRUST_PROXY`: forwarded headers count only when a trusted proxy wrote them, so a client
 * reaching the server directly cannot pick its rate-limit bucket (or the address in its mails).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { openInteraction } from '../support/passkeyFlows.js';
import { connectRp } from '../support/relyingParty.js';
import { LOOSE_LIMITS, startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const running: RunningSesame[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
});

/** A server with `TRUST_PROXY=trust` allowing one passkey-options call per client address. */
async function serverTrusting(trust: string) {
  const s = await startSesame(
    { TRUST_PROXY: trust },
    { limits: { ...LOOSE_LIMITS, ceremonyPerIp: { max: 1, windowMs: 3_600_000 } } },
  );
  running.push(s);
  const rp = await connectRp(s, { name: 'Proxy', redirectUris: [REDIRECT] });
  const agent = createHttpAgent(s.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  /** Status of one passkey-options call claiming `X-Forwarded-For: xff` (none when undefined). */
  const call = async (xff?: string) => {
    const res = await agent.request(`/interaction/${uid}/passkey/options`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(xff === undefined ? {} : { 'X-Forwarded-For': xff }),
      },
      body: '{}',
    });
    await res.arrayBuffer();
    return res.status;
  };
  return { s, call };
}

describe('TRUST_PROXY as a list of proxies', () => {
  test('a peer outside the list cannot choose its address with X-Forwarded-For', async () => {
    const { call } = await serverTrusting('10.0.0.0/8, 192.0.2.1');
    expect(await call('203.0.113.1')).toBe(200);
    expect(await call('203.0.113.2')).toBe(429);
    expect(await call('203.0.113.3')).toBe(429);
  });

  test('from a listed proxy the client is the right-most address that is not a proxy', async () => {
    const { call } = await serverTrusting('127.0.0.1,10.0.0.0/8');
    expect(await call('198.51.100.7, 10.1.2.3')).toBe(200);
    // Another inner proxy hop, same client: same bucket (with `true` it would be a new one).
    expect(await call('198.51.100.7, 10.9.9.9')).toBe(429);
    // What the client wrote before its own address does not matter either.
    expect(await call('203.0.113.50, 198.51.100.7, 10.1.2.3')).toBe(429);
    expect(await call('198.51.100.8, 10.1.2.3')).toBe(200);
  });

  test('text that is not an IP address is never believed', async () => {
    const { call } = await serverTrusting('127.0.0.1');
    expect(await call('Your account is locked')).toBe(200);
    // It fell back to the peer's own address, whose bucket is now used up.
    expect(await call('not an address either')).toBe(429);
    expect(await call()).toBe(429);
  });
});

describe('TRUST_PROXY=true', () => {
  test('warns once when a request without X-Forwarded-For shows the server is reached directly', async () => {
    const { s, call } = await serverTrusting('true');
    const warnings = () =>
      s.logLines.filter((l) => l.includes('reached directly') && l.includes('TRUST_PROXY'));
    // Opening the sign-in page (no X-Forwarded-For) was enough; more such requests add nothing.
    await call('198.51.100.1');
    await call();
    await call();
    expect(warnings()).toHaveLength(1);
    expect(JSON.parse(warnings()[0]!)).toMatchObject({ level: 40, peer: '127.0.0.1' });
  });

  test('a list of proxies does not warn: requests from elsewhere are simply not believed', async () => {
    const { s, call } = await serverTrusting('10.0.0.0/8');
    await call();
    expect(s.logLines.filter((l) => l.includes('reached directly'))).toHaveLength(0);
  });
});

describe('configuration', () => {
  test.each([
    ['10.0.0.0/8,127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['::1, fd00::/8', ['::1', 'fd00::/8']],
    ['true', true],
    ['false', false],
  ])('TRUST_PROXY=%s is accepted', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  test.each(['maybe', '10.0.0.0/33', '10.0.0.1,evil.example', '::1/129', '10.0.0.0/8/8'])(
    'TRUST_PROXY=%s stops the start with one line naming it',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(
        /^TRUST_PROXY must be true or false, or a comma-separated list/,
      );
    },
  );

  test('an https issuer needs METRICS_TOKEN, unless METRICS_PUBLIC=true says an open /metrics is deliberate', () => {
    const https = { ISSUER: 'https://id.example.com' };
    expect(() => loadConfig(https)).toThrow(ConfigError);
    expect(() => loadConfig(https)).toThrow(/^METRICS_TOKEN must be set when ISSUER is https/);
    expect(loadConfig({ ...https, METRICS_PUBLIC: 'true' }).metricsPublic).toBe(true);
    expect(loadConfig({ ...https, METRICS_TOKEN: 'a-long-enough-token-123' }).metricsToken).toBe(
      'a-long-enough-token-123',
    );
    expect(() => loadConfig({ ...https, METRICS_PUBLIC: 'perhaps' })).toThrow(/^METRICS_PUBLIC /);
    expect(loadConfig({}).metricsPublic).toBe(false);
  });
});
