import { createPublicKey, verify, type JsonWebKey as CryptoJsonWebKey } from 'node:crypto';
import { startCallbackServer, type CallbackServer } from '../support/callbackServer.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { continueToCallback, openInteraction, signIn, signUp } from '../support/passkeyFlows.js';
import { discoverRp, type RelyingParty } from '../support/relyingParty.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

/**
 * What the conformance modules share: a real Sesame, a real SMTP catcher, an RP callback
 * server, a confidential client (openid-client) and one person who signed up with a passkey.
 */
export interface Conformance {
  sesame: RunningSesame;
  mail: MailCatcher;
  callback: CallbackServer;
  clientId: string;
  clientSecret: string;
  rp: RelyingParty;
  person: { email: string; authenticator: SoftAuthenticator; sub: string };
  /** A browser (cookie jar) that signs the person in with the passkey and reaches the callback. */
  login(
    params?: Record<string, string | undefined>,
    agent?: HttpAgent,
  ): Promise<{ agent: HttpAgent; callback: URL }>;
  /** Follows an authorization URL to where it lands: the callback (with code or error) or a page. */
  land(agent: HttpAgent, url: URL | string): Promise<{ url: URL; status: number; html: string }>;
  /** Raw token request with client_secret_basic. */
  token(
    body: Record<string, string>,
    auth?: { id: string; secret: string },
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startConformance(): Promise<Conformance> {
  const mail = await startMailCatcher();
  const sesame = await startSesame({ SMTP_URL: mail.url });
  const callback = await startCallbackServer();
  const client = await sesame.registerClient({
    name: 'Conformance RP',
    redirectUris: [callback.redirectUri],
    postLogoutRedirectUris: [callback.postLogoutRedirectUri],
    backchannelLogoutUri: callback.backchannelLogoutUri,
  });
  const rp = await discoverRp({
    issuer: sesame.issuer,
    clientId: client.client_id,
    clientSecret: client.client_secret!,
    redirectUri: callback.redirectUri,
  });
  const authenticator = new SoftAuthenticator({ origin: sesame.issuer });
  const email = 'conformance@example.com';
  const agent = createHttpAgent(sesame.issuer);
  const { uid } = await openInteraction(agent, await rp.authorizationUrl());
  const redirectTo = await signUp({
    agent,
    uid,
    mail,
    authenticator,
    email,
    name: 'Conny Formance',
  });
  const first = await rp.exchange(
    (await continueToCallback(agent, redirectTo, callback.redirectUri)).callback,
  );

  const land = async (a: HttpAgent, url: URL | string) => {
    const { response, url: at } = await a.follow(url, (u) =>
      u.href.startsWith(callback.redirectUri),
    );
    return { url: at, status: response.status, html: await response.text() };
  };

  return {
    sesame,
    mail,
    callback,
    clientId: client.client_id,
    clientSecret: client.client_secret!,
    rp,
    person: { email, authenticator, sub: first.claims()!.sub },
    land,
    async login(params = {}, a = createHttpAgent(sesame.issuer)) {
      const url = await rp.authorizationUrl(params);
      const landed = await land(a, url);
      if (landed.url.href.startsWith(callback.redirectUri))
        return { agent: a, callback: landed.url };
      const interactionUid = landed.url.pathname.split('/')[2]!;
      const result = await signIn({ agent: a, uid: interactionUid, authenticator });
      if (!result.body.redirectTo)
        throw new Error(`sign-in failed: ${JSON.stringify(result.body)}`);
      const done = await continueToCallback(a, result.body.redirectTo, callback.redirectUri);
      return { agent: a, callback: done.callback };
    },
    async token(body, auth = { id: client.client_id, secret: client.client_secret! }) {
      const res = await fetch(`${sesame.issuer}/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${Buffer.from(`${encodeURIComponent(auth.id)}:${encodeURIComponent(auth.secret)}`).toString('base64')}`,
        },
        body: new URLSearchParams(body).toString(),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await callback.close();
      await sesame.close();
      await mail.close();
    },
  };
}

/** Decodes a JWT's payload without checking it. */
export function jwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Verifies a JWT's signature against the issuer's JWKS (RS256/ES256); returns its payload. */
export async function verifyJwt(issuer: string, jwt: string): Promise<Record<string, unknown>> {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as {
    alg: string;
    kid: string;
  };
  const { keys } = (await (await fetch(`${issuer}/jwks`)).json()) as {
    keys: (CryptoJsonWebKey & { kid: string })[];
  };
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid} in JWKS`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const ok =
    header.alg === 'RS256'
      ? verify('RSA-SHA256', data, key, signature)
      : header.alg === 'ES256'
        ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        : false;
  if (!ok) throw new Error(`bad signature (${header.alg})`);
  return jwtPayload(jwt);
}
