import { expect, test } from '@jest/globals';
import { createHttpAgent } from '../support/httpAgent.js';
import { mailCode, type MailCatcher } from '../support/mailCatcher.js';
import { openInteraction, postJson, startSignUp } from '../support/passkeyFlows.js';
import type { RelyingParty } from '../support/relyingParty.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';
import { useSesameWithApp } from '../support/sesameWithApp.js';
import type { RunningSesame } from '../support/startSesame.js';

// Issue #13 item 3: a caught error is logged with the request id, and what the person sees
// stays generic.
const REDIRECT = 'http://127.0.0.1:9/callback';

let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;

useSesameWithApp('Logs', REDIRECT, (started) => ({ sesame, mail, rp } = started));

test('a rejected registration logs SimpleWebAuthn’s reason with the request id; the page does not show it', async () => {
  const agent = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  const email = 'rejected@example.com';
  expect((await startSignUp(agent, uid, email, 'Rejected')).status).toBe(303);
  const code = mailCode(await mail.waitFor(email));
  const options = await postJson(agent, `/interaction/${uid}/signup/options`, { code });
  const authenticator = new SoftAuthenticator({ origin: sesame.issuer });
  const response = authenticator.createCredential(options.body as never, {
    rpId: 'elsewhere.example',
  });
  const verified = await postJson(agent, `/interaction/${uid}/signup/verify`, { response });
  expect(verified.status).toBe(400);
  expect(verified.body).toMatchObject({ error: 'passkey_failed' });
  expect(JSON.stringify(verified.body)).not.toMatch(/RP ID/i);
  const line = sesame.logLines
    .map((text) => JSON.parse(text) as { msg?: string; reqId?: string; err?: { message?: string } })
    .find((entry) => entry.msg === 'passkey registration rejected');
  expect(line?.err?.message).toMatch(/RP ID/i);
  expect(typeof line?.reqId).toBe('string');
});
