import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { mailCode, startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  openInteraction,
  postJson,
  signIn,
  startSignUp,
} from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const EMAIL = 'observed.person@example.com';

let mail: MailCatcher;
let sesame: RunningSesame;
let rp: RelyingParty;
/** Every secret the full run handled, by name, to look for in the logs. */
const secrets = new Map<string, string>();
/** Interaction uids seen, which must never become metric labels. */
const uids: string[] = [];
/** Index of the first log line written by the run (after start-up). */
let firstRunLine = 0;

async function keepCookies(agent: HttpAgent, label: string): Promise<void> {
  for (const cookie of await agent.jar.getCookies(sesame.issuer))
    secrets.set(`${label} cookie ${cookie.key}`, cookie.value);
}

async function metricsText(headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${sesame.issuer}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

/** The value of one sample line, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2]!.split(',');
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return undefined;
}

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url, LOG_LEVEL: 'trace' });
  const connected = await connectRp(sesame, { name: 'Observed App', redirectUris: [REDIRECT] });
  secrets.set('client secret', connected.client.client_secret!);
  rp = connected;
  firstRunLine = sesame.logLines.length;

  // Sign-up, with a refresh token.
  const authenticator = new SoftAuthenticator({ origin: sesame.issuer });
  const agent = createHttpAgent(sesame.issuer);
  const scope = 'openid email profile offline_access';
  const first = await openInteraction(
    agent,
    await rp.authorizationUrl({ scope, prompt: 'consent' }),
  );
  uids.push(first.uid);
  await keepCookies(agent, 'interaction');
  expect((await startSignUp(agent, first.uid, EMAIL, 'Observed Person')).status).toBe(303);
  const code = mailCode(await mail.waitFor(EMAIL));
  secrets.set('sign-up code', code);
  const options = await postJson(agent, `/interaction/${first.uid}/signup/options`, { code });
  const registration = authenticator.createCredential(options.body as never);
  const created = await postJson<{ redirectTo: string }>(
    agent,
    `/interaction/${first.uid}/signup/verify`,
    { response: registration },
  );
  expect(created.status).toBe(200);
  const signedUp = await continueToCallback(agent, created.body.redirectTo, REDIRECT);
  secrets.set('authorization code', signedUp.callback.searchParams.get('code')!);
  await keepCookies(agent, 'session');
  const tokens = await rp.exchange(signedUp.callback);
  secrets.set('access token', tokens.access_token);
  secrets.set('ID token', tokens.id_token!);
  secrets.set('refresh token', tokens.refresh_token!);
  const refreshed = await rp.refresh(tokens.refresh_token!);
  secrets.set('rotated refresh token', refreshed.refresh_token!);
  await rp.userinfo(refreshed.access_token);

  // Discoverable and email-first sign-ins on new browsers.
  for (const email of [undefined, EMAIL]) {
    const browser = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(browser, await rp.authorizationUrl());
    uids.push(uid);
    const result = await signIn({
      agent: browser,
      uid,
      authenticator,
      ...(email ? { email } : {}),
    });
    expect(result.status).toBe(200);
    const { callback } = await continueToCallback(browser, result.body.redirectTo!, REDIRECT);
    secrets.set(`code ${uids.length}`, callback.searchParams.get('code')!);
    await keepCookies(browser, `browser ${uids.length}`);
    const more = await rp.exchange(callback);
    secrets.set(`access token ${uids.length}`, more.access_token);
    secrets.set(`ID token ${uids.length}`, more.id_token!);
  }

  // A failed email-first sign-in: the assertion is signed with the wrong key.
  const forger = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(forger, await rp.authorizationUrl());
  uids.push(uid);
  const failed = await signIn({
    agent: forger,
    uid,
    authenticator,
    email: EMAIL,
    tweak: { signWithOtherKey: true },
  });
  expect(failed.status).toBe(400);
});

afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

describe('logs', () => {
  test('no code, token, cookie value, client secret or full email appears in any log line', () => {
    expect(secrets.size).toBeGreaterThan(12);
    const lines = sesame.logLines;
    expect(lines.length).toBeGreaterThan(firstRunLine + 20); // trace level: one line per request
    const leaks: string[] = [];
    for (const [name, value] of [...secrets, ['full email', EMAIL] as const]) {
      lines.forEach((line, i) => {
        if (line.includes(value)) leaks.push(`${name} in log line ${i}`);
      });
    }
    expect(leaks).toEqual([]);
  });

  test('every line written while serving a request carries the request id', () => {
    const during = sesame.logLines
      .slice(firstRunLine)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const without = during.filter((l) => typeof l.reqId !== 'string').map((l) => l.msg);
    expect(without).toEqual([]);
    // Lines from modules given no request logger carry it too (the mailer's, for one).
    expect(during.some((l) => l.msg === 'mail sent' && typeof l.reqId === 'string')).toBe(true);
  });
});

describe('GET /metrics', () => {
  test('counts requests by route template and status, never by raw path', async () => {
    const text = await metricsText();
    expect(
      sample(text, 'sesame_http_requests_total', {
        route: '/interaction/:uid/passkey/verify',
        method: 'POST',
        status: '200',
      }),
    ).toBe(2);
    expect(
      sample(text, 'sesame_http_requests_total', {
        route: '/token',
        method: 'POST',
        status: '200',
      }),
    ).toBe(4);
    expect(
      sample(text, 'sesame_http_requests_total', { route: '/auth', status: '303' }),
    ).toBeGreaterThan(0);
    for (const uid of uids) expect(text).not.toContain(uid);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    for (const route of routes) expect(route).toMatch(/^(\/[a-z0-9/:._*-]*|unmatched)$/i);
  });

  test('counts sign-ins by method and outcome', async () => {
    const text = await metricsText();
    expect(sample(text, 'sesame_signins_total', { method: 'signup', outcome: 'success' })).toBe(1);
    expect(
      sample(text, 'sesame_signins_total', { method: 'discoverable', outcome: 'success' }),
    ).toBe(1);
    expect(
      sample(text, 'sesame_signins_total', { method: 'email-first', outcome: 'success' }),
    ).toBe(1);
    expect(
      sample(text, 'sesame_signins_total', { method: 'email-first', outcome: 'passkey_failed' }),
    ).toBe(1);
  });

  test('has ceremony and token endpoint latency histograms', async () => {
    const text = await metricsText();
    const ceremony = (labels: Record<string, string>) =>
      sample(text, 'sesame_passkey_ceremony_duration_seconds_count', labels);
    expect(ceremony({ ceremony: 'registration', step: 'verify', outcome: 'success' })).toBe(1);
    expect(ceremony({ ceremony: 'authentication', step: 'options', outcome: 'success' })).toBe(3);
    expect(ceremony({ ceremony: 'authentication', step: 'verify', outcome: 'failure' })).toBe(1);
    expect(
      sample(text, 'sesame_passkey_ceremony_duration_seconds_bucket', {
        ceremony: 'authentication',
        step: 'verify',
        outcome: 'success',
        le: '+Inf',
      }),
    ).toBe(2);
    const token = (grant: string) =>
      sample(text, 'sesame_token_request_duration_seconds_count', {
        grant_type: grant,
        status: '200',
      });
    expect(token('authorization_code')).toBe(3);
    expect(token('refresh_token')).toBe(1);
    expect(text).toContain('# TYPE sesame_store_errors_total counter');
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
  });
});

describe('protecting /metrics', () => {
  test('with METRICS_TOKEN set, /metrics needs it as a bearer token', async () => {
    const token = 'metrics-token-for-tests-0123456789';
    const guarded = await startSesame({ METRICS_TOKEN: token });
    try {
      const url = `${guarded.issuer}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      const wrong = await fetch(url, { headers: { Authorization: 'Bearer not-the-token-at-all' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const right = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('sesame_http_requests_total');
    } finally {
      await guarded.close();
    }
  });

  test('a METRICS_TOKEN that is too short stops the start with a line naming it', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/^METRICS_TOKEN /);
    expect(loadConfig({}).metricsToken).toBeUndefined();
  });
});
