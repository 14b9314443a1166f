import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { openInteraction, signIn, signUpPerson } from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const RELATED = ['https://shop.example.com', 'https://example.org'];
let sesame: RunningSesame;
let plain: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url, RELATED_ORIGINS: RELATED.join(', ') });
  plain = await startSesame({ SMTP_URL: mail.url });
  rp = await connectRp(sesame, { name: 'Shop', redirectUris: [REDIRECT] });
});

afterAll(async () => {
  await sesame?.close();
  await plain?.close();
  await mail?.close();
});

describe('related origins (SPEC §14)', () => {
  test('/.well-known/webauthn lists them when configured, and is 404 when not', async () => {
    const res = await fetch(`${sesame.issuer}/.well-known/webauthn`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ origins: RELATED });
    expect((await fetch(`${plain.issuer}/.well-known/webauthn`)).status).toBe(404);
  });

  test('an assertion signed for a related origin verifies; one for any other origin does not', async () => {
    const person = await signUpPerson(
      { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
      { email: 'grace@example.com' },
    );
    const attempt = async (origin: string) => {
      const agent = createHttpAgent(sesame.issuer);
      const { uid } = await openInteraction(agent, await rp.authorizationUrl());
      return signIn({ agent, uid, authenticator: person.authenticator, tweak: { origin } });
    };
    const related = await attempt('https://shop.example.com');
    expect(related.status).toBe(200);
    expect(related.body.redirectTo).toEqual(expect.any(String));
    expect((await attempt('https://example.org')).status).toBe(200);
    const other = await attempt('https://evil.example.net');
    expect(other).toMatchObject({ status: 400, body: { error: 'passkey_failed' } });
    const http = await attempt('http://shop.example.com');
    expect(http).toMatchObject({ status: 400, body: { error: 'passkey_failed' } });
  });
});
