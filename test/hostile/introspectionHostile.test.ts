/** Introspection tells a token's own client about it, and nobody else. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';
import { connectRp } from '../support/relyingParty.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

describe('cross-client introspection', () => {
  test("another confidential client learns nothing about an app's tokens", async () => {
    const { callback } = await c.login({ scope: 'openid email offline_access', prompt: 'consent' });
    const tokens = await c.rp.exchange(callback);
    expect(tokens.refresh_token).toBeTruthy();
    const own = await c.rp.introspect(tokens.access_token);
    expect(own).toMatchObject({ active: true, client_id: c.clientId, sub: c.person.sub });

    const other = await connectRp(c.sesame, {
      name: 'Curious App',
      redirectUris: [c.callback.redirectUri],
    });
    for (const token of [tokens.access_token, tokens.refresh_token!]) {
      const seen = await other.introspect(token);
      expect(seen).toEqual({ active: false });
    }
    // The token still works for its own app: asking about it did not spend or revoke it.
    expect((await c.rp.introspect(tokens.access_token)).active).toBe(true);
  });
});
