import type { MailCatcher } from './mailCatcher.js';
import { mailCode } from './mailCatcher.js';
import { createHttpAgent, type HttpAgent } from './httpAgent.js';
import type { AuthorizationParams, RelyingParty, Tokens } from './relyingParty.js';
import {
  SoftAuthenticator,
  type AssertionTweak,
  type RegistrationTweak,
  type SoftAuthenticatorOptions,
} from './softAuthenticator.js';

/** The hidden CSRF field of a rendered form. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF field in page');
  return match[1];
}

/** Follows an authorization URL to Sesame's interaction page; returns its uid and HTML. */
export async function openInteraction(
  agent: HttpAgent,
  authorizationUrl: URL | string,
): Promise<{ uid: string; html: string; status: number }> {
  const { response, url } = await agent.follow(authorizationUrl);
  const html = await response.text();
  const match = /\/interaction\/([^/?#]+)$/.exec(url.pathname);
  if (!match?.[1])
    throw new Error(
      `expected an interaction page, got ${response.status} at ${url.href}: ${html.slice(0, 300)}`,
    );
  return { uid: match[1], html, status: response.status };
}

/** Posts JSON and returns status and parsed body. */
export async function postJson<T = Record<string, unknown>>(
  agent: HttpAgent,
  path: string,
  body: unknown,
): Promise<{ status: number; body: T }> {
  const res = await agent.postJson(path, body);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Starts sign-up (email + name form); returns the response of the form POST. */
export async function startSignUp(
  agent: HttpAgent,
  uid: string,
  email: string,
  name: string,
): Promise<Response> {
  const page = await agent.request(`/interaction/${uid}/signup`);
  const csrf = csrfOf(await page.text());
  return agent.postForm(`/interaction/${uid}/signup`, { email, name, _csrf: csrf });
}

/**
 * The whole sign-up: form, code from the mail, registration with the authenticator. Returns
 * the URL the page would continue to.
 */
export async function signUp(input: {
  agent: HttpAgent;
  uid: string;
  mail: MailCatcher;
  authenticator: SoftAuthenticator;
  email: string;
  name?: string;
  tweak?: RegistrationTweak;
}): Promise<string> {
  const { agent, uid, mail, authenticator, email } = input;
  const res = await startSignUp(agent, uid, email, input.name ?? 'Test Person');
  if (res.status !== 303)
    throw new Error(`sign-up form answered ${res.status}: ${await res.text()}`);
  const code = mailCode(await mail.waitFor(email));
  const options = await postJson(agent, `/interaction/${uid}/signup/options`, { code });
  if (options.status !== 200)
    throw new Error(`signup options: ${options.status} ${JSON.stringify(options.body)}`);
  const response = authenticator.createCredential(options.body as never, input.tweak);
  const verified = await postJson<{ redirectTo: string }>(
    agent,
    `/interaction/${uid}/signup/verify`,
    { response },
  );
  if (verified.status !== 200)
    throw new Error(`signup verify: ${verified.status} ${JSON.stringify(verified.body)}`);
  return verified.body.redirectTo;
}

/** Signs in with a passkey (discoverable, or email-first when `email` is given). */
export async function signIn(input: {
  agent: HttpAgent;
  uid: string;
  authenticator: SoftAuthenticator;
  email?: string;
  tweak?: AssertionTweak;
}): Promise<{
  status: number;
  body: { redirectTo?: string; error?: string; error_description?: string };
}> {
  const { agent, uid, authenticator } = input;
  const options = await postJson(
    agent,
    `/interaction/${uid}/passkey/options`,
    input.email ? { email: input.email } : {},
  );
  if (options.status !== 200)
    throw new Error(`options: ${options.status} ${JSON.stringify(options.body)}`);
  const response = authenticator.getAssertion(options.body as never, input.tweak);
  return postJson(agent, `/interaction/${uid}/passkey/verify`, { response });
}

/**
 * Follows a redirect URL after login until it reaches `redirectUri`, allowing consent on the
 * way when `consent` is 'allow' (or denying it). Returns the callback URL and whether a
 * consent page was shown.
 */
export async function continueToCallback(
  agent: HttpAgent,
  url: string,
  redirectUri: string,
  consent: 'allow' | 'deny' | 'refuse' = 'allow',
): Promise<{ callback: URL; consentShown: boolean }> {
  const atCallback = (u: URL) => u.href.startsWith(redirectUri);
  const first = await agent.follow(url, atCallback);
  const response = first.response;
  let at = first.url;
  let consentShown = false;
  if (!atCallback(at)) {
    const html = await response.text();
    if (!/\/interaction\//.test(at.pathname) || !html.includes('name="decision"')) {
      throw new Error(
        `expected consent or callback, got ${response.status} at ${at.href}: ${html.slice(0, 400)}`,
      );
    }
    consentShown = true;
    if (consent === 'refuse') throw new Error('consent page shown');
    const uid = at.pathname.split('/')[2];
    const res = await agent.postForm(`/interaction/${uid}/consent`, {
      decision: consent,
      _csrf: csrfOf(html),
    });
    const location = res.headers.get('location');
    if (res.status !== 303 || !location) throw new Error(`consent answered ${res.status}`);
    at = (await agent.follow(new URL(location, at), atCallback)).url;
  }
  if (!atCallback(at)) throw new Error(`did not reach the callback: ${at.href}`);
  return { callback: at, consentShown };
}

/** Where {@link signUpPerson} signs up: the server, the relying party, its redirect URI, the mail. */
export interface SignUpSite {
  issuer: string;
  rp: RelyingParty;
  redirectUri: string;
  mail: MailCatcher;
}

/** Someone who signed up with {@link signUpPerson}, signed in to the relying party. */
export interface SignedUpPerson {
  email: string;
  authenticator: SoftAuthenticator;
  /** The browser that signed up (it holds the session). */
  agent: HttpAgent;
  tokens: Tokens;
  consentShown: boolean;
  sub: string;
}

/** A new person on a fresh browser and authenticator signs up through the pages and gets tokens. */
export async function signUpPerson(
  site: SignUpSite,
  person: {
    email: string;
    name?: string;
    authenticator?: Partial<SoftAuthenticatorOptions>;
    authorizationParams?: AuthorizationParams;
  },
): Promise<SignedUpPerson> {
  const { issuer, rp, redirectUri, mail } = site;
  const { email, name } = person;
  const authenticator = new SoftAuthenticator({ origin: issuer, ...person.authenticator });
  const agent = createHttpAgent(issuer);
  const { uid } = await openInteraction(
    agent,
    await rp.authorizationUrl(person.authorizationParams),
  );
  const redirectTo = await signUp({ agent, uid, mail, authenticator, email, name });
  const { callback, consentShown } = await continueToCallback(agent, redirectTo, redirectUri);
  const tokens = await rp.exchange(callback);
  return { email, authenticator, agent, tokens, consentShown, sub: tokens.claims()!.sub };
}
