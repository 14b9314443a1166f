/**
 * At most one recovery link of an account is outstanding: issuing a link revokes the older
 * ones, and using one revokes any other that is still around.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { recoveryTokenHash, type RecoveryToken } from '../../src/accounts/recoveryTokens.js';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { openInteraction, postJson } from '../support/passkeyFlows.js';
import {
  completeRecovery,
  recoveryLinkFor,
  requestRecovery,
  tokenOf,
} from '../support/recoveryFlows.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

async function newLink(): Promise<string> {
  const agent = createHttpAgent(c.sesame.issuer);
  const { uid } = await openInteraction(agent, await c.rp.authorizationUrl());
  expect((await requestRecovery(agent, c.sesame.issuer, uid, c.person.email)).status).toBe(303);
  return recoveryLinkFor(c.mail, c.person.email, c.sesame.issuer);
}

async function works(link: string): Promise<boolean> {
  const agent = createHttpAgent(c.sesame.issuer);
  const page = await agent.request(link);
  await page.arrayBuffer();
  const options = await postJson(agent, '/recovery/options', { token: tokenOf(link) });
  expect(page.status === 200).toBe(options.status === 200);
  return page.status === 200;
}

const tokens = () =>
  c.sesame.store.collection<RecoveryToken>({ name: 'recovery_tokens', indexed: ['accountId'] });

describe('recovery links', () => {
  test('a new link revokes the older ones of the account', async () => {
    const first = await newLink();
    expect(await works(first)).toBe(true);
    const second = await newLink();
    expect(await works(first)).toBe(false);
    expect(await works(second)).toBe(true);
    const stale = await completeRecovery(
      createHttpAgent(c.sesame.issuer),
      c.sesame.issuer,
      first,
      new SoftAuthenticator({ origin: c.sesame.issuer }),
    ).catch((err: Error) => ({ status: 0, body: { error: err.message } }));
    expect(stale.status).not.toBe(200);
    expect(await works(second)).toBe(true);
  });

  test('using a link revokes every other outstanding link of the account', async () => {
    const older = await newLink();
    const olderDoc = (await (await tokens()).get(recoveryTokenHash(tokenOf(older))))!;
    const newer = await newLink();
    // A link that outlived the newer one's issuing (two instances issuing at the same moment).
    await (await tokens()).upsert(olderDoc);
    expect(await works(older)).toBe(true);
    const done = await completeRecovery(
      createHttpAgent(c.sesame.issuer),
      c.sesame.issuer,
      newer,
      new SoftAuthenticator({ origin: c.sesame.issuer }),
    );
    expect(done.status).toBe(200);
    expect(await works(older)).toBe(false);
    expect(await (await tokens()).list('accountId', c.person.sub)).toHaveLength(0);
  });
});
