/**
 * Two ceremonies on one sign-in page (autofill and the button) can both reach verify. The
 * second verify for a finished interaction answers 409 with the same redirect, never an error
 * page, and signs nobody in a second time.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { continueToCallback, openInteraction, postJson } from '../support/passkeyFlows.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

/** Two discoverable ceremonies started on one page, each with its own signed assertion. */
async function twoCeremonies(agent: HttpAgent, uid: string) {
  const responses = [];
  for (let i = 0; i < 2; i++) {
    const options = await postJson(agent, `/interaction/${uid}/passkey/options`, {});
    expect(options.status).toBe(200);
    responses.push(c.person.authenticator.getAssertion(options.body as never));
  }
  return responses;
}

type Verified = { redirectTo?: string; error?: string };

async function signInsOf(accountId: string): Promise<number> {
  const events = await c.sesame.sesame.audit.forAccount(accountId, 1000);
  return events.filter((e) => e.type === 'signin').length;
}

describe('a second verify on one sign-in page', () => {
  test('after the first finished: 409 with the same redirect; one sign-in; the app gets its code', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const { uid } = await openInteraction(agent, await c.rp.authorizationUrl());
    const [first, second] = await twoCeremonies(agent, uid);
    const before = await signInsOf(c.person.sub);
    const a = await postJson<Verified>(agent, `/interaction/${uid}/passkey/verify`, {
      response: first,
    });
    expect(a.status).toBe(200);
    const b = await postJson<Verified>(agent, `/interaction/${uid}/passkey/verify`, {
      response: second,
    });
    expect(b.status).toBe(409);
    expect(b.body.error).toBe('already_signed_in');
    expect(b.body.redirectTo).toBe(a.body.redirectTo);
    expect(await signInsOf(c.person.sub)).toBe(before + 1);
    const done = await continueToCallback(agent, b.body.redirectTo!, c.callback.redirectUri);
    expect(done.callback.searchParams.get('code')).toBeTruthy();
  });

  test('both at once: each answers the same redirect (200 or 409), and it reaches the app', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const { uid } = await openInteraction(agent, await c.rp.authorizationUrl());
    const [first, second] = await twoCeremonies(agent, uid);
    const results = await Promise.all(
      [first, second].map((response) =>
        postJson<Verified>(agent, `/interaction/${uid}/passkey/verify`, { response }),
      ),
    );
    for (const r of results) expect([200, 409]).toContain(r.status);
    expect(results.some((r) => r.status === 200)).toBe(true);
    expect(results[0]!.body.redirectTo).toBeTruthy();
    expect(results[1]!.body.redirectTo).toBe(results[0]!.body.redirectTo);
    const done = await continueToCallback(
      agent,
      results[0]!.body.redirectTo!,
      c.callback.redirectUri,
    );
    const tokens = await c.rp.exchange(done.callback);
    expect(tokens.claims()!.sub).toBe(c.person.sub);
  });
});
