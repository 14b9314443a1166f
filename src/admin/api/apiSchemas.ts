import { z } from 'zod';
import type { ClientInput } from '../clientMetadata.js';
import { DEVICE_CODE_GRANT } from '../clientMetadata.js';

const uri = z.string().max(2000);
const uris = z.array(uri).max(50);

/** A client in RFC 7591 metadata names, as `POST /admin/api/clients` takes it. */
export const clientCreateSchema = z
  .object({
    client_name: z.string().max(100),
    redirect_uris: uris.optional(),
    post_logout_redirect_uris: uris.optional(),
    backchannel_logout_uri: uri.optional(),
    logo_uri: uri.optional(),
    grant_types: z
      .array(z.enum(['authorization_code', 'refresh_token', DEVICE_CODE_GRANT]))
      .max(3)
      .optional(),
    token_endpoint_auth_method: z.enum(['none', 'client_secret_basic']).optional(),
    first_party: z.boolean().optional(),
    allowed_groups: z.array(z.string().max(64)).max(100).optional(),
    passkey_policy: z.enum(['any', 'device-bound']).optional(),
  })
  .strict();

/** `PATCH /admin/api/clients/:id`: any of the same fields; `""` clears an optional URI. */
export const clientPatchSchema = clientCreateSchema.partial().strict();

/** The admin service's input from API metadata (absent fields stay absent). */
export function clientInputFromApi(body: z.infer<typeof clientPatchSchema>): Partial<ClientInput> {
  const input: Partial<ClientInput> = {};
  if (body.client_name !== undefined) input.name = body.client_name;
  if (body.redirect_uris) input.redirectUris = body.redirect_uris;
  if (body.post_logout_redirect_uris) input.postLogoutRedirectUris = body.post_logout_redirect_uris;
  if (body.backchannel_logout_uri !== undefined)
    input.backchannelLogoutUri = body.backchannel_logout_uri;
  if (body.logo_uri !== undefined) input.logoUri = body.logo_uri;
  if (body.grant_types) input.device = body.grant_types.includes(DEVICE_CODE_GRANT);
  if (body.token_endpoint_auth_method) input.public = body.token_endpoint_auth_method === 'none';
  if (body.first_party !== undefined) input.firstParty = body.first_party;
  if (body.allowed_groups) input.allowedGroups = body.allowed_groups;
  if (body.passkey_policy) input.passkeyPolicy = body.passkey_policy;
  return input;
}

/** `PATCH /admin/api/users/:id`: enable/disable and the admin role. */
export const userPatchSchema = z
  .object({ disabled: z.boolean().optional(), admin: z.boolean().optional() })
  .strict();

/** Route ids: client ids, account ids and token ids are base64url or hex. */
export const idParam = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.~-]+$/, 'that id is not valid');
