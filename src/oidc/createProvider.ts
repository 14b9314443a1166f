import type { Middleware } from 'koa';
import Provider, { type AdapterConstructor, type Configuration } from 'oidc-provider';
import type { AccountRepository } from '../accounts/accountRepository.js';
import type { AuditLog } from '../accounts/auditLog.js';
import type { AppAccess } from '../groups/appAccess.js';
import type { ClaimResolver } from '../groups/resolveClaims.js';
import type { TrustProxy } from '../config/config.js';
import { TO_ACCOUNT } from '../http/errors.js';
import type { Renderer } from '../http/renderer.js';
import type { Logger } from '../log/createLogger.js';
import type { Collection, Store } from '../store/collection.js';
import { retryBackchannelLogout, type BackchannelClient } from './backchannelDelivery.js';
import { createAdapter } from './createAdapter.js';
import { oidcCollectionSpec, type OidcDoc } from './oidcCollectionSpec.js';
import { createFindAccount } from './findAccount.js';
import { createInteractionPolicy } from './interactionPolicy.js';
import type { KeyMaterial } from './keyMaterial.js';
import { createLoadExistingGrant } from './loadExistingGrant.js';
import { validateAccessMetadata } from './accessMetadata.js';
import { releaseCustomClaims } from './releaseCustomClaims.js';
import { outboundFetch, type OutboundPolicy } from './outboundFetch.js';

export interface ProviderDeps {
  issuer: string;
  secure: boolean;
  trustProxy: TrustProxy;
  store: Store;
  keys: KeyMaterial;
  accounts: AccountRepository;
  resolveClaims: ClaimResolver;
  appAccess: AppAccess;
  audit: AuditLog;
  renderer: Renderer;
  logger: Logger;
  /** `features.deviceFlow` (RFC 8628) with Sesame's `/device` pages; unset: disabled. */
  deviceFlow?: NonNullable<Configuration['features']>['deviceFlow'];
  /** Middleware run inside oidc-provider (`provider.use`), e.g. device polling pace. */
  use?: Middleware[];
  /** SPEC.md §15: may back-channel logout reach private and loopback addresses (default allow). */
  outboundPrivate?: OutboundPolicy;
  /**
   * Benchmark only (bench/memoryAdapter.ts, the in-memory baseline): oidc-provider's adapter in
   * place of the store's (`createAdapter(store)`). The one other direct use of the store for an
   * oidc-provider model, loadExistingGrant listing an account's grants from `oidc_Grant`, would
   * then miss every grant saved through it: pass `grants` with it.
   */
  adapter?: AdapterConstructor;
  /** Benchmark only: where loadExistingGrant lists grants by account; default `oidc_Grant`. */
  grants?: Pick<Collection<OidcDoc>, 'list'>;
}

const DAY = 24 * 3600;

/**
 * oidc-provider configured for SPEC.md §5: code flow only, PKCE S256 (required for public
 * clients), clients and every artifact in the store, truthful acr/amr in the ID token,
 * consent through grants (skipped for first-party clients), our own pages for errors and logout.
 */
export async function createProvider(deps: ProviderDeps): Promise<Provider> {
  const grants = deps.grants ?? (await deps.store.collection<OidcDoc>(oidcCollectionSpec('Grant')));
  const { renderer } = deps;
  const configuration: Configuration = {
    adapter: deps.adapter ?? createAdapter(deps.store),
    clients: [],
    findAccount: createFindAccount(deps),
    jwks: { keys: deps.keys.signingKeys as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      keys: deps.keys.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub', 'acr', 'amr', 'auth_time', 'sid'],
      email: ['email', 'email_verified'],
      // Custom claims travel with `profile` too (see releaseCustomClaims).
      profile: ['name'],
      groups: ['groups'],
    },
    // Apps asked for email and name with a scope get them in the ID token too, not only from
    // userinfo: the common integration reads the ID token alone.
    conformIdTokenClaims: false,
    acrValues: ['phr', 'phrh'],
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // OIDC Core requires redirect_uri in every authorization request.
    allowOmittingSingleRegisteredRedirectUri: false,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    extraClientMetadata: {
      // Written by the admin service (src/admin/clientMetadata.ts); validated again as loaded.
      properties: ['first_party', 'allowed_groups', 'passkey_policy'],
      validator(_ctx, key, value) {
        if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') {
          throw new Error('first_party must be a boolean');
        }
        validateAccessMetadata(key, value);
      },
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
      authorizationSigningAlgValues: ['RS256', 'ES256'],
      requestObjectSigningAlgValues: ['RS256', 'ES256'],
      clientAuthSigningAlgValues: ['RS256', 'ES256'],
    },
    fetch: outboundFetch(deps.outboundPrivate ?? 'allow'),
    features: {
      devInteractions: { enabled: false },
      deviceFlow: deps.deviceFlow ?? { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: true },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // Only the client a token was issued to may learn about it (Sesame registers no
        // resource servers); everyone else, public clients included, gets `active: false`.
        allowedPolicy: async (_ctx, client, token) =>
          client.clientAuthMethod !== 'none' && token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          renderer.page(ctx as never, 'logout', { form, clientName: ctx.oidc.client?.clientName });
        },
        async postLogoutSuccessSource(ctx) {
          renderer.page(ctx as never, 'loggedOut', { clientName: ctx.oidc.client?.clientName });
        },
      },
    },
    interactions: {
      policy: createInteractionPolicy(deps),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    loadExistingGrant: createLoadExistingGrant(grants),
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * DAY,
      Interaction: 3600,
      Session: 14 * DAY,
      Grant: 365 * DAY,
      DeviceCode: 600,
    },
    async renderError(ctx, out) {
      const description =
        typeof out.error_description === 'string'
          ? out.error_description
          : 'The request could not be completed.';
      ctx.state.errorCode = out.error;
      const clientId = ctx.oidc?.client?.clientId ?? ctx.oidc?.params?.client_id;
      if (typeof clientId === 'string') ctx.state.clientId = clientId;
      // The client or redirect is unknown here, so there is no app to return to.
      const code = String(out.error);
      renderer.page(ctx as never, 'error', {
        title: renderer.message(ctx as never, 'errorPage.failed'),
        message: FRIENDLY_ERRORS.has(code)
          ? renderer.message(ctx as never, `errors.${code}`)
          : humanize(description),
        code: out.error,
        requestId: ctx.state?.requestId,
        wayOn: TO_ACCOUNT,
      });
    },
  };
  const provider = new Provider(deps.issuer, configuration);
  provider.on('backchannel.error', (ctx, err, client, accountId, sid) =>
    retryBackchannelLogout(
      client as unknown as BackchannelClient,
      { accountId: String(accountId), sid: String(sid) },
      err,
      (ctx as { state?: { log?: Logger } } | undefined)?.state?.log ?? deps.logger,
    ),
  );
  provider.on('server_error', (ctx, err) =>
    (ctx.state?.log ?? deps.logger).error({ err }, 'oidc-provider server error'),
  );
  // Forwarded headers from untrusted peers are removed before they get here (forwardedHeaders).
  provider.proxy = deps.trustProxy !== false;
  for (const middleware of deps.use ?? []) provider.use(middleware);
  releaseCustomClaims(provider);
  return provider;
}

/**
 * Errors shown on a page (never redirected) in the person's words (`errors.<code>` in the
 * catalogue); others show oidc-provider's own description.
 */
const FRIENDLY_ERRORS = new Set(['invalid_client', 'invalid_redirect_uri']);

/** oidc-provider's descriptions are lower-case fragments; start them with a capital. */
function humanize(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}
