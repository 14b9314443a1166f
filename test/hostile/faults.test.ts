/** The store going away mid-flight: clear 503s, a truthful /readyz, and no crash. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createHttpAgent } from '../support/httpAgent.js';
import { openInteraction } from '../support/passkeyFlows.js';
import { connectRp } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

let sesame: RunningSesame;
beforeAll(async () => {
  sesame = await startSesame();
});
afterAll(async () => {
  await sesame?.close().catch(() => undefined);
});

test('when the store is gone: /readyz says 503, JSON calls get 503 + Retry-After, pages get a retry page; /healthz stays up', async () => {
  const rp = await connectRp(sesame, { redirectUris: ['http://127.0.0.1:9/cb'] });
  const agent = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  expect((await fetch(`${sesame.issuer}/readyz`)).status).toBe(200);

  await sesame.store.close();

  const ready = await fetch(`${sesame.issuer}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ status: 'unavailable' });
  expect((await fetch(`${sesame.issuer}/healthz`)).status).toBe(200);

  const json = await agent.postJson(`/interaction/${uid}/passkey/options`, {
    email: 'a@example.com',
  });
  expect(json.status).toBe(503);
  expect(json.headers.get('retry-after')).toBeTruthy();
  expect(await json.json()).toMatchObject({ error: 'temporarily_unavailable' });

  const page = await agent.request(`/interaction/${uid}/signup`);
  expect([503, 500]).toContain(page.status);
  const html = await page.text();
  expect(html).toMatch(/try again/i);
  expect(html).not.toMatch(/SqliteError|at \w+ \(/);
});
