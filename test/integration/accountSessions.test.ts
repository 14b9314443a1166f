import { describe, expect, test } from '@jest/globals';
import { endAccountSessions, endSession, revokeApp } from '../../src/oidc/accountSessions.js';
import { createLogger } from '../../src/log/createLogger.js';
import { oidcCollectionSpec, type OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import type { MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  openInteraction,
  signIn,
  signUpPerson,
} from '../support/passkeyFlows.js';
import type { RelyingParty } from '../support/relyingParty.js';
import { useSesameWithApp } from '../support/sesameWithApp.js';
import type { RunningSesame } from '../support/startSesame.js';

// The one module that edits oidc-provider's documents for an account (issue #13, item 5).
const REDIRECT = 'http://127.0.0.1:9/callback';

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;

useSesameWithApp('Sessions', REDIRECT, (started) => ({ sesame, mail, rp } = started));

const sessionsOf = async (accountId: string) =>
  (await sesame.store.collection<OidcDoc>(oidcCollectionSpec('Session'))).list(
    'payload.accountId',
    accountId,
  );

/** Whether `agent`'s browser is still signed in (prompt=none gets a code). */
async function signedIn(agent: HttpAgent): Promise<boolean> {
  const { url } = await agent.follow(await rp.authorizationUrl({ prompt: 'none' }), (u) =>
    u.href.startsWith(REDIRECT),
  );
  return url.searchParams.get('code') !== null;
}

const clientId = () => rp.config.clientMetadata().client_id;

let people = 0;
/** One person signed in on two browsers: two sessions. */
async function personOnTwoBrowsers() {
  const first = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: `sessions${++people}@example.com` },
  );
  const second = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(second, await rp.authorizationUrl());
  const result = await signIn({ agent: second, uid, authenticator: first.authenticator });
  expect(result.status).toBe(200);
  await continueToCallback(second, result.body.redirectTo!, REDIRECT);
  return { first, second };
}

describe('account sessions', () => {
  test('endSession signs out one browser and leaves the other signed in', async () => {
    const { first, second } = await personOnTwoBrowsers();
    const before = await sessionsOf(first.sub);
    expect(before).toHaveLength(2);
    const deps = {
      store: sesame.store,
      provider: sesame.sesame.provider,
      logger: createLogger('silent'),
    };
    const ended = await endSession(deps, first.sub, String(before[0]!.payload.uid));
    expect(ended).toEqual({ ended: true, notified: 0 });
    expect(await sessionsOf(first.sub)).toHaveLength(1);
    const states = [await signedIn(first.agent), await signedIn(second)];
    expect(states.sort()).toEqual([false, true]);
    // Another account's session id ends nothing.
    const left = (await sessionsOf(first.sub))[0]!;
    expect(await endSession(deps, 'someone-else', String(left.payload.uid))).toEqual({
      ended: false,
      notified: 0,
    });
    expect(await sessionsOf(first.sub)).toHaveLength(1);
  });

  test('revokeApp removes the grants and never rewrites a Session document', async () => {
    const { first } = await personOnTwoBrowsers();
    const before = await sessionsOf(first.sub);
    expect(await revokeApp(sesame.store, first.sub, clientId())).toBeGreaterThan(0);
    expect(await sessionsOf(first.sub)).toEqual(before);
    expect(await revokeApp(sesame.store, first.sub, clientId())).toBe(0);
  });

  test('endAccountSessions ends every session and grant of the account', async () => {
    const { first, second } = await personOnTwoBrowsers();
    const ended = await endAccountSessions(sesame.store, first.sub);
    expect(ended.sessions).toBe(2);
    expect(ended.grants).toBeGreaterThan(0);
    expect(await sessionsOf(first.sub)).toEqual([]);
    expect(await signedIn(first.agent)).toBe(false);
    expect(await signedIn(second)).toBe(false);
  });
});
