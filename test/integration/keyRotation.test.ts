import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { keysCollection } from '../../src/oidc/keyMaterial.js';
import {
  RETIRE_AFTER_MS,
  RETIRE_MARGIN_MS,
  rotateKeys,
  type RotationResult,
} from '../../src/oidc/rotateKeys.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import {
  continueToCallback,
  openInteraction,
  signIn,
  signUpPerson,
} from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { runCli } from '../support/runCli.js';
import type { SoftAuthenticator } from '../support/softAuthenticator.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let mail: MailCatcher;
let sesame: RunningSesame;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
});
afterAll(async () => {
  await mail?.close();
});
beforeEach(async () => {
  sesame = await startSesame({ SMTP_URL: mail.url }, { keyPollMs: 100 });
  rp = await connectRp(sesame, { redirectUris: [REDIRECT], firstParty: true });
});
afterEach(async () => {
  await sesame?.close();
});

let people = 0;
/** Signs a new person up; returns their authenticator, browser and first ID token. */
async function newPerson(): Promise<{
  authenticator: SoftAuthenticator;
  agent: HttpAgent;
  idToken: string;
}> {
  const { authenticator, agent, tokens } = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: `rotation${++people}@example.com` },
  );
  return { authenticator, agent, idToken: tokens.id_token! };
}

/** Signs in again on a new browser; returns the new ID token. */
async function signInAgain(authenticator: SoftAuthenticator): Promise<string> {
  const agent = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  const result = await signIn({ agent, uid, authenticator });
  expect(result.status).toBe(200);
  const { callback } = await continueToCallback(agent, result.body.redirectTo!, REDIRECT);
  return (await rp.exchange(callback)).id_token!;
}

async function jwks(): Promise<JSONWebKeySet> {
  const res = await fetch(`${sesame.issuer}/jwks`);
  return (await res.json()) as JSONWebKeySet;
}
const publishedKids = async () => (await jwks()).keys.map((k) => k.kid);
const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;
const newKid = (result: RotationResult, alg = 'RS256') =>
  result.created.find((k) => k.alg === alg)!.kid!;

/** Verifies an ID token against the JWKS the server publishes now, as a relying party does. */
async function verify(idToken: string) {
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(await jwks()), {
    issuer: sesame.issuer,
    audience: rp.config.clientMetadata().client_id,
  });
  return payload;
}

describe('signing key rotation', () => {
  test('the new key is published before it signs, and ID tokens signed with the old key keep verifying', async () => {
    const person = await newPerson();
    const oldKid = kidOf(person.idToken);

    // Long enough that the sign-in below happens before activation even on a loaded machine.
    const activatesAt = Date.now() + 5000;
    const rotation = await rotateKeys(sesame.store, { activateInMs: 5000 });
    await sesame.sesame.keyWatcher.check();
    expect(await publishedKids()).toEqual(expect.arrayContaining([oldKid, newKid(rotation)]));
    const whilePublished = await signInAgain(person.authenticator);
    expect(kidOf(whilePublished)).toBe(oldKid);

    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, activatesAt - Date.now()) + 300),
    );
    await sesame.sesame.keyWatcher.check();
    const afterActivation = await signInAgain(person.authenticator);
    expect(kidOf(afterActivation)).toBe(newKid(rotation));
    for (const token of [person.idToken, whilePublished, afterActivation]) {
      expect((await verify(token)).sub).toBe((await verify(person.idToken)).sub);
    }
    expect(await publishedKids()).toContain(oldKid);
  });

  test('a superseded key leaves the JWKS once every token it signed has expired', async () => {
    const person = await newPerson();
    const oldKid = kidOf(person.idToken);
    // A rotation whose grace period is already over, as if it had happened hours ago.
    const longAgo = Date.now() - RETIRE_AFTER_MS.signing - 1000;
    const rotation = await rotateKeys(sesame.store, {
      kinds: ['signing'],
      now: longAgo,
      activateInMs: 0,
    });
    await sesame.sesame.keyWatcher.check();
    const kids = await publishedKids();
    expect(kids).not.toContain(oldKid);
    expect(kids).toEqual(expect.arrayContaining([newKid(rotation), newKid(rotation, 'ES256')]));
    await expect(verify(person.idToken)).rejects.toThrow();
    expect(kidOf(await signInAgain(person.authenticator))).toBe(newKid(rotation));
  });

  test('the retirement grace outlasts every ID token', async () => {
    const { idToken } = await newPerson();
    const { iat, exp } = await verify(idToken);
    expect((exp! - iat!) * 1000).toBeLessThanOrEqual(RETIRE_AFTER_MS.signing - RETIRE_MARGIN_MS);
  });

  test('a running server picks up a rotation made with the CLI, without a restart', async () => {
    const person = await newPerson();
    const env = { DATA_DIR: sesame.dataDir, ISSUER: sesame.issuer, LOG_LEVEL: 'silent' };
    const cli = await runCli(['--json', 'keys', 'rotate', '--activate-in', '0'], env);
    expect(cli.code).toBe(0);
    const rotation = JSON.parse(cli.stdout) as RotationResult;
    const deadline = Date.now() + 5000;
    while (!(await publishedKids()).includes(newKid(rotation)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await publishedKids()).toContain(newKid(rotation));
    expect(kidOf(await signInAgain(person.authenticator))).toBe(newKid(rotation));
    await verify(person.idToken);
    const metrics = await (await fetch(`${sesame.issuer}/metrics`)).text();
    expect(metrics).toMatch(/^sesame_key_reloads_total\{result="success"\} [1-9]/m);
  });

  test('`keys list` shows each key’s status and never its private part', async () => {
    const env = { DATA_DIR: sesame.dataDir, ISSUER: sesame.issuer, LOG_LEVEL: 'silent' };
    await rotateKeys(sesame.store, { activateInMs: 60_000 });
    const cli = await runCli(['keys', 'list', '--json'], env);
    expect(cli.code).toBe(0);
    const keys = JSON.parse(cli.stdout) as { kind: string; status: string; kid?: string }[];
    expect(keys.filter((k) => k.kind === 'signing').map((k) => k.status)).toEqual([
      'active',
      'next',
      'active',
      'next',
    ]);
    expect(cli.stdout).not.toMatch(/"(d|p|q|dp|dq|qi|secret)"/);
    const human = await runCli(['keys', 'list'], env);
    expect(human.stdout).toMatch(/^id\s+kind\s+alg\s+kid\s+status/);
  });
});

describe('cookie key rotation', () => {
  test('signed-in people stay signed in and a sign-in under way finishes', async () => {
    const person = await newPerson();
    const midway = createHttpAgent(sesame.issuer);
    const started = await openInteraction(midway, await rp.authorizationUrl());

    await rotateKeys(sesame.store, { kinds: ['cookie'], activateInMs: 0 });
    await sesame.sesame.keyWatcher.check();

    // The session cookie was signed with the old key: no sign-in page, straight back to the app.
    const again = await continueToCallback(
      person.agent,
      (await rp.authorizationUrl()).href,
      REDIRECT,
      'refuse',
    );
    const token = (await rp.exchange(again.callback)).id_token!;
    expect((await verify(token)).sub).toBe((await verify(person.idToken)).sub);

    const result = await signIn({
      agent: midway,
      uid: started.uid,
      authenticator: person.authenticator,
    });
    expect(result.status).toBe(200);
    const { callback } = await continueToCallback(midway, result.body.redirectTo!, REDIRECT);
    expect((await rp.exchange(callback)).id_token).toBeTruthy();
  });

  test('cookies set after the rotation are signed with the new key', async () => {
    const rotation = await rotateKeys(sesame.store, { kinds: ['cookie'], activateInMs: 0 });
    await sesame.sesame.keyWatcher.check();
    const newSecret = (await (await keysCollection(sesame.store)).get(rotation.created[0]!.id))!
      .secret!;
    const agent = createHttpAgent(sesame.issuer);
    const { uid } = await openInteraction(agent, await rp.authorizationUrl());
    const cookies = await agent.jar.getCookies(`${sesame.issuer}/interaction/${uid}`);
    const value = cookies.find((c) => c.key === '_interaction')!.value;
    const sig = cookies.find((c) => c.key === '_interaction.sig')!.value;
    // What keygrip (Koa's cookie signing) computes with the first key: HMAC-SHA1, base64url.
    const expected = createHmac('sha1', newSecret)
      .update(`_interaction=${value}`)
      .digest('base64url');
    expect(sig).toBe(expected);
  });
});
