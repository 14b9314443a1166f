/** oidcc-server-rotate-keys: the OP rotates its signing key; the RP keeps verifying. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { rotateKeys } from '../../src/oidc/rotateKeys.js';
import { jwtPayload, verifyJwt } from '../support/jwt.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { signUpPerson } from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
let mail: MailCatcher;
let sesame: RunningSesame;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url }, { keyPollMs: 100 });
  rp = await connectRp(sesame, { name: 'Rotating RP', redirectUris: [REDIRECT], firstParty: true });
});
afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

const kidOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string })
    .kid;

test('oidcc-server-rotate-keys: after rotation new ID tokens carry the new key, old ones still verify', async () => {
  const site = { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail };
  const before = (await signUpPerson(site, { email: 'rotate1@example.com' })).tokens.id_token!;
  const oldKid = kidOf(before);

  const { created } = await rotateKeys(sesame.store, { kinds: ['signing'], activateInMs: 0 });
  const newKids = created.map((k) => k.kid);
  // The running server picks the rotation up by polling the store.
  for (let i = 0; i < 100; i++) {
    const { keys } = (await (await fetch(`${sesame.issuer}/jwks`)).json()) as {
      keys: { kid: string }[];
    };
    if (keys.some((k) => newKids.includes(k.kid))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // JWKS comes from the provider now serving, so the next token is signed by it.
  const after = (await signUpPerson(site, { email: 'rotate2@example.com' })).tokens.id_token!;
  expect(newKids).toContain(kidOf(after));
  expect(kidOf(after)).not.toBe(oldKid);
  expect((await verifyJwt(sesame.issuer, after)).iss).toBe(sesame.issuer);
  // The old token's key is still published until everything it signed has expired.
  expect((await verifyJwt(sesame.issuer, before)).sub).toBe(jwtPayload(before).sub);
}, 30_000);
