import * as client from 'openid-client';
import type { RunningSesame } from './startSesame.js';

/** How the test relying party is registered at the issuer. */
export interface RpOptions {
  /** Issuer URL, e.g. `http://localhost:3000` (plain http is allowed for tests). */
  issuer: string;
  clientId: string;
  /** Omit for a public client (authenticates with nothing but PKCE). */
  clientSecret?: string;
  redirectUri: string;
  /** How a confidential client authenticates at the token endpoint. Default basic. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** Parameters of an authorization request; generated ones (state, nonce, PKCE) may be overridden. */
export type AuthorizationParams = { scope?: string } & Record<string, string | undefined>;

/** What the RP remembers about an authorization request, to check the response against. */
export interface PendingAuthorization {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
  maxAge?: number;
}

/** Tokens from the token endpoint, with `claims()` for the verified ID token claims. */
export type Tokens = Awaited<ReturnType<typeof client.authorizationCodeGrant>>;

/** A relying party driven by openid-client, as a downstream app would use it. */
export interface RelyingParty {
  /** openid-client's configuration (server metadata via `config.serverMetadata()`). */
  config: client.Configuration;
  /**
   * Builds an authorization URL (`response_type=code`, PKCE S256, fresh state and nonce,
   * `scope` default `openid email profile`) and remembers its secrets for {@link exchange}.
   */
  authorizationUrl(params?: AuthorizationParams): Promise<URL>;
  /** The requests made so far, by state. */
  pending: Map<string, PendingAuthorization>;
  /**
   * Validates the callback URL against the request its `state` names (state, nonce, PKCE,
   * ID token signature and claims) and exchanges the code for tokens.
   */
  exchange(callbackUrl: URL | string): Promise<Tokens>;
  /** Calls the UserInfo endpoint, checking the response's `sub` when one is given. */
  userinfo(accessToken: string, sub?: string): Promise<client.UserInfoResponse>;
  /** Uses a refresh token. */
  refresh(refreshToken: string): Promise<Awaited<ReturnType<typeof client.refreshTokenGrant>>>;
  /** Revokes a token (RFC 7009). */
  revoke(token: string, tokenTypeHint?: 'access_token' | 'refresh_token'): Promise<void>;
  /** Introspects a token (RFC 7662); confidential clients only. */
  introspect(token: string): Promise<client.IntrospectionResponse>;
  /** Builds an RP-initiated logout URL. */
  endSessionUrl(params?: Record<string, string>): URL;
}

/**
 * Discovers the issuer with openid-client v6 and returns a relying party for the client.
 * Plain-http issuers need `allowInsecureRequests`, which also covers the discovery request.
 */
export async function discoverRp(options: RpOptions): Promise<RelyingParty> {
  const { issuer, clientId, clientSecret, redirectUri } = options;
  const auth = !clientSecret
    ? client.None()
    : options.tokenEndpointAuthMethod === 'client_secret_post'
      ? client.ClientSecretPost(clientSecret)
      : client.ClientSecretBasic(clientSecret);
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    { redirect_uris: [redirectUri] },
    auth,
    new URL(issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {},
  );
  const pending = new Map<string, PendingAuthorization>();

  return {
    config,
    pending,
    async authorizationUrl(params = {}) {
      const codeVerifier = params.code_verifier ?? client.randomPKCECodeVerifier();
      const state = params.state ?? client.randomState();
      const nonce = params.nonce ?? client.randomNonce();
      const { code_verifier: _omit, ...rest } = params;
      const query = Object.fromEntries(
        Object.entries({
          redirect_uri: redirectUri,
          response_type: 'code',
          scope: 'openid email profile',
          code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
          code_challenge_method: 'S256',
          ...rest,
          state,
          nonce,
        }).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const url = client.buildAuthorizationUrl(config, query);
      const maxAge = query.max_age === undefined ? undefined : Number(query.max_age);
      pending.set(state, { url, state, nonce, codeVerifier, maxAge });
      return url;
    },
    async exchange(callbackUrl) {
      const url = new URL(callbackUrl);
      const state = url.searchParams.get('state');
      const request = state === null ? undefined : pending.get(state);
      if (!request) throw new Error(`Callback with unknown state ${state}: ${url.href}`);
      return client.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        ...(request.maxAge === undefined ? {} : { maxAge: request.maxAge }),
      });
    },
    userinfo(accessToken, sub) {
      return client.fetchUserInfo(config, accessToken, sub ?? client.skipSubjectCheck);
    },
    refresh(refreshToken) {
      return client.refreshTokenGrant(config, refreshToken);
    },
    revoke(token, tokenTypeHint) {
      return client.tokenRevocation(
        config,
        token,
        tokenTypeHint ? { token_type_hint: tokenTypeHint } : undefined,
      );
    },
    introspect(token) {
      return client.tokenIntrospection(config, token);
    },
    endSessionUrl(params = {}) {
      return client.buildEndSessionUrl(config, params);
    },
  };
}

/** A registered client as the registry returns it (no secret for a public client). */
export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
}

/** Discovers `issuer` as the registered `client` (public when it has no secret). */
export function rpFor(
  issuer: string,
  registered: RegisteredClient,
  redirectUri: string,
): Promise<RelyingParty> {
  const { client_id: clientId, client_secret: clientSecret } = registered;
  return discoverRp({ issuer, clientId, clientSecret, redirectUri });
}

/** Registers a client on the running test server and discovers it at its first redirect URI. */
export async function connectRp(
  sesame: Pick<RunningSesame, 'issuer' | 'registerClient'>,
  input: Parameters<RunningSesame['registerClient']>[0] & { redirectUris: string[] },
): Promise<RelyingParty & { client: RegisteredClient }> {
  const registered = await sesame.registerClient(input);
  const rp = await rpFor(sesame.issuer, registered, input.redirectUris[0]!);
  return Object.assign(rp, { client: registered });
}
