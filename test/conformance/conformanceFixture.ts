import { startCallbackServer, type CallbackServer } from '../support/callbackServer.js';
import { createHttpAgent, type HttpAgent } from '../support/httpAgent.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { continueToCallback, signIn, signUpPerson } from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import type { SoftAuthenticator } from '../support/softAuthenticator.js';
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
  /**
   * A browser (cookie jar) that signs the person in with the passkey and reaches the callback,
   * starting from a new authorization URL with `params`, or from `start` when given.
   */
  login(
    params?: Record<string, string | undefined>,
    agent?: HttpAgent,
    start?: URL,
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
  const rp = await connectRp(sesame, {
    name: 'Conformance RP',
    redirectUris: [callback.redirectUri],
    postLogoutRedirectUris: [callback.postLogoutRedirectUri],
    backchannelLogoutUri: callback.backchannelLogoutUri,
  });
  const { client } = rp;
  const { email, authenticator, sub } = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: callback.redirectUri, mail },
    { email: 'conformance@example.com', name: 'Conny Formance' },
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
    person: { email, authenticator, sub },
    land,
    async login(params = {}, a = createHttpAgent(sesame.issuer), start?: URL) {
      const url = start ?? (await rp.authorizationUrl(params));
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

/** The raw token request body that redeems `callback`'s code with the PKCE verifier `c.rp` kept. */
export function codeGrantBody(c: Conformance, callback: URL): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code')!,
    redirect_uri: c.callback.redirectUri,
    code_verifier: c.rp.pending.get(callback.searchParams.get('state')!)!.codeVerifier,
  };
}

export { jwtPayload, verifyJwt } from '../support/jwt.js';
