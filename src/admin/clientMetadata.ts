import { GROUP_NAME } from '../groups/groupName.js';
import type { PasskeyPolicy } from '../oidc/accessMetadata.js';
import { invalidInput } from './adminErrors.js';
import { redirectUriProblem } from '../oidc/validateRedirectUri.js';

/** The device authorization grant (RFC 8628), for `client add --device`. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export type { PasskeyPolicy };

/** What an operator registers or changes (SPEC.md §3, §10, §11), from any face. */
export interface ClientInput {
  name: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  logoUri?: string;
  public?: boolean;
  firstParty?: boolean;
  /** Also (or only) the device authorization grant; needs no redirect URI. */
  device?: boolean;
  allowedGroups?: string[];
  passkeyPolicy?: PasskeyPolicy;
}

/** A registered client with RFC 7591 metadata names (the secret only on create and rotate). */
export interface ClientView {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  backchannel_logout_uri?: string;
  logo_uri?: string;
  grant_types: string[];
  token_endpoint_auth_method: string;
  first_party: boolean;
  public: boolean;
  allowed_groups: string[];
  passkey_policy: PasskeyPolicy;
}

/** A 400 for client metadata (RFC 7591 `invalid_client_metadata`), naming the field. */
export const clientInputError = (message: string) =>
  invalidInput(message, 'invalid_client_metadata');

const unique = (values: string[]) => [...new Set(values)];

function checkUris(label: string, uris: string[]): void {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw clientInputError(`${label} ${JSON.stringify(uri)} ${problem}`);
  }
}

/**
 * Validates a complete client description and returns the oidc-provider metadata for it
 * (without id and secret). Redirect URIs: absolute, https except loopback, no fragment; a
 * browser client needs at least one, a device-only client none.
 */
export function clientMetadata(input: ClientInput): Record<string, unknown> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw clientInputError('name must be 1 to 100 characters');
  const redirectUris = unique(input.redirectUris ?? []);
  const postLogout = unique(input.postLogoutRedirectUris ?? []);
  if (redirectUris.length === 0 && !input.device)
    throw clientInputError('a redirect URI is required (at least one), unless it is a device app');
  checkUris('redirect URI', redirectUris);
  checkUris('post-logout redirect URI', postLogout);
  if (input.backchannelLogoutUri)
    checkUris('back-channel logout URI', [input.backchannelLogoutUri]);
  if (input.logoUri) {
    if (!URL.canParse(input.logoUri) || new URL(input.logoUri).protocol !== 'https:')
      throw clientInputError(`logo URL ${JSON.stringify(input.logoUri)} must be an https URL`);
    if (input.logoUri.length > 2000) throw clientInputError('logo URL is too long');
  }
  const groups = unique(input.allowedGroups ?? []);
  for (const g of groups)
    if (!GROUP_NAME.test(g))
      throw clientInputError(
        `allowed group ${JSON.stringify(g)} is not a group name (a-z, 0-9, ".", "_", "-"; up to 64)`,
      );
  const policy = input.passkeyPolicy ?? 'any';
  if (policy !== 'any' && policy !== 'device-bound')
    throw clientInputError('passkey policy must be "any" or "device-bound"');
  const browser = redirectUris.length > 0;
  const grantTypes = [
    ...(browser ? ['authorization_code'] : []),
    ...(input.device ? [DEVICE_CODE_GRANT] : []),
    'refresh_token',
  ];
  return {
    client_name: name,
    application_type: 'web',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogout,
    grant_types: grantTypes,
    response_types: browser ? ['code'] : [],
    token_endpoint_auth_method: input.public ? 'none' : 'client_secret_basic',
    first_party: input.firstParty === true,
    allowed_groups: groups,
    passkey_policy: policy,
    ...(input.logoUri ? { logo_uri: input.logoUri } : {}),
    ...(input.backchannelLogoutUri
      ? {
          backchannel_logout_uri: input.backchannelLogoutUri,
          backchannel_logout_session_required: true,
        }
      : {}),
  };
}

/** The operator's description of stored metadata, so an update can start from it. */
export function clientInputOf(p: Record<string, unknown>): ClientInput {
  const grants = (p.grant_types as string[] | undefined) ?? [];
  return {
    name: String(p.client_name ?? ''),
    redirectUris: (p.redirect_uris as string[] | undefined) ?? [],
    postLogoutRedirectUris: (p.post_logout_redirect_uris as string[] | undefined) ?? [],
    ...(p.backchannel_logout_uri ? { backchannelLogoutUri: String(p.backchannel_logout_uri) } : {}),
    ...(p.logo_uri ? { logoUri: String(p.logo_uri) } : {}),
    public: p.token_endpoint_auth_method === 'none',
    firstParty: p.first_party === true,
    device: grants.includes(DEVICE_CODE_GRANT),
    allowedGroups: (p.allowed_groups as string[] | undefined) ?? [],
    passkeyPolicy: p.passkey_policy === 'device-bound' ? 'device-bound' : 'any',
  };
}

/** Stored metadata as operators see it (never the secret). */
export function clientView(p: Record<string, unknown>): ClientView {
  return {
    client_id: String(p.client_id),
    client_name: String(p.client_name ?? ''),
    redirect_uris: (p.redirect_uris as string[] | undefined) ?? [],
    post_logout_redirect_uris: (p.post_logout_redirect_uris as string[] | undefined) ?? [],
    ...(p.backchannel_logout_uri
      ? { backchannel_logout_uri: String(p.backchannel_logout_uri) }
      : {}),
    ...(p.logo_uri ? { logo_uri: String(p.logo_uri) } : {}),
    grant_types: (p.grant_types as string[] | undefined) ?? [],
    token_endpoint_auth_method: String(p.token_endpoint_auth_method),
    first_party: p.first_party === true,
    public: p.token_endpoint_auth_method === 'none',
    allowed_groups: (p.allowed_groups as string[] | undefined) ?? [],
    passkey_policy: p.passkey_policy === 'device-bound' ? 'device-bound' : 'any',
  };
}
