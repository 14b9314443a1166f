/**
 * Every JSON endpoint refuses type confusion, oversized bodies and wrong content types before
 * any logic or store access, with a 4xx a person can read.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { openInteraction, startSignUp } from '../support/passkeyFlows.js';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';

let c: Conformance;
let agent: HttpAgent;
let uid: string;

beforeAll(async () => {
  c = await startConformance();
  agent = createHttpAgent(c.sesame.issuer);
  ({ uid } = await openInteraction(agent, await c.rp.authorizationUrl()));
  await startSignUp(agent, uid, 'input@example.com', 'Input');
});
afterAll(async () => {
  await c?.close();
});

const endpoints = () => [
  `/interaction/${uid}/passkey/options`,
  `/interaction/${uid}/passkey/verify`,
  `/interaction/${uid}/signup/options`,
  `/interaction/${uid}/signup/verify`,
];

const post = (path: string, body: string, type = 'application/json') =>
  agent.request(path, {
    method: 'POST',
    headers: { 'Content-Type': type, Accept: 'application/json' },
    body,
  });

describe('type confusion is refused with 400', () => {
  const operators = [
    { $ne: null },
    { $gt: '' },
    { $regex: '.*' },
    ['a@example.com'],
    42,
    true,
    null,
  ];
  test.each(operators.map((o) => [JSON.stringify(o), o]))(
    'email = %s (passkey options)',
    async (_label, value) => {
      const res = await post(
        `/interaction/${uid}/passkey/options`,
        JSON.stringify({ email: value }),
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error_description: string }).error_description).toMatch(
        /email/i,
      );
    },
  );
  test.each(operators.map((o) => [JSON.stringify(o), o]))(
    'code = %s (sign-up options)',
    async (_label, value) => {
      const res = await post(`/interaction/${uid}/signup/options`, JSON.stringify({ code: value }));
      expect(res.status).toBe(400);
    },
  );
  test.each(operators.map((o) => [JSON.stringify(o), o]))(
    'credential id = %s (passkey verify)',
    async (_label, value) => {
      const res = await post(
        `/interaction/${uid}/passkey/verify`,
        JSON.stringify({
          response: {
            id: value,
            rawId: value,
            type: 'public-key',
            clientExtensionResults: {},
            response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
          },
        }),
      );
      expect(res.status).toBe(400);
    },
  );
  test('unknown fields are refused rather than ignored', async () => {
    const res = await post(
      `/interaction/${uid}/passkey/options`,
      JSON.stringify({ email: 'a@example.com', admin: true }),
    );
    expect(res.status).toBe(400);
  });
  test('clientDataJSON that is not JSON, or JSON of the wrong shape, is refused before any lookup', async () => {
    for (const clientDataJSON of [
      Buffer.from('not json').toString('base64url'),
      Buffer.from('{"type":1}').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
    ]) {
      const res = await post(
        `/interaction/${uid}/passkey/verify`,
        JSON.stringify({
          response: {
            id: 'AAAA',
            rawId: 'AAAA',
            type: 'public-key',
            clientExtensionResults: {},
            response: { clientDataJSON, authenticatorData: 'AA', signature: 'AA' },
          },
        }),
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_credential');
    }
  });
});

describe('bodies', () => {
  test.each(['passkey/options', 'passkey/verify', 'signup/options', 'signup/verify'])(
    '%s: over 16 kB is 413',
    async (path) => {
      const res = await post(
        `/interaction/${uid}/${path}`,
        JSON.stringify({ pad: 'x'.repeat(17_000) }),
      );
      expect(res.status).toBe(413);
    },
  );
  test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'content type %s on JSON endpoints is 415',
    async (type) => {
      for (const path of endpoints()) {
        const res = await post(path, '{}', type);
        expect(res.status).toBe(415);
      }
    },
  );
  test('malformed JSON is a 400 with a readable message', async () => {
    const res = await post(`/interaction/${uid}/passkey/options`, '{"email":');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The request body could not be read.',
    });
  });
  test('a JSON form post to a form endpoint is 415', async () => {
    const res = await post(
      `/interaction/${uid}/signup`,
      JSON.stringify({ email: 'a@example.com', name: 'A' }),
    );
    expect(res.status).toBe(415);
  });
  test('array-style form fields (email[]=…) are refused', async () => {
    const res = await agent.request(`/interaction/${uid}/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: c.sesame.issuer },
      body: 'email[$ne]=x&name=A&_csrf=x',
    });
    expect([400, 403]).toContain(res.status);
  });
});

describe('interactions', () => {
  test('an unknown or expired interaction is a 404 that says to sign in again, with a way on', async () => {
    const res = await agent.request('/interaction/not-a-real-uid');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('sign in again');
    expect(html).toContain('<a class="button" href="/account">Go to your account</a>');
  });
  test('a JSON call for someone else’s interaction (no cookie) is 404, not a leak', async () => {
    const stranger = createHttpAgent(c.sesame.issuer);
    const res = await stranger.postJson(`/interaction/${uid}/passkey/options`, {});
    expect(res.status).toBe(404);
  });
});
