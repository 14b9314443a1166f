/** oidcc-codereuse-30seconds, on its own so its wait runs beside other test files. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { codeGrantBody, startConformance, type Conformance } from './conformanceFixture.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

test('oidcc-codereuse-30seconds: a code reused after 30 s fails and revokes the tokens issued with it', async () => {
  const body = codeGrantBody(c, (await c.login()).callback);
  const first = await c.token(body);
  expect(first.status).toBe(200);
  const accessToken = String(first.json.access_token);
  await new Promise((r) => setTimeout(r, 30_500));
  const second = await c.token(body);
  expect(second.status).toBe(400);
  expect(second.json.error).toBe('invalid_grant');
  const me = await fetch(`${c.sesame.issuer}/me`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  expect(me.status).toBe(401);
}, 60_000);
