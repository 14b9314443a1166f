import type { Store } from '../store/collection.js';
import { oidcCollectionSpec, type OidcDoc } from '../oidc/oidcCollectionSpec.js';

/** The client id Sesame uses to sign people in to its own account page. */
export const ACCOUNT_CLIENT_ID = 'sesame-account';

/** Where the provider sends the account page's authorization response. */
export function accountCallbackUrl(issuer: string): string {
  return `${issuer}/account/callback`;
}

/**
 * Registers (or refreshes) Sesame's own first-party public client in the Client collection, so
 * `/account` can send a person through the ordinary sign-in. Idempotent; safe on every start
 * and from several instances at once.
 */
export async function ensureAccountClient(
  store: Store,
  options: { issuer: string; rpName: string },
): Promise<void> {
  const col = await store.collection<OidcDoc>(oidcCollectionSpec('Client'));
  const payload = {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: `your ${options.rpName} account`,
    application_type: 'web',
    redirect_uris: [accountCallbackUrl(options.issuer)],
    post_logout_redirect_uris: [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    first_party: true,
  };
  const existing = await col.get(ACCOUNT_CLIENT_ID);
  if (existing && JSON.stringify(existing.payload) === JSON.stringify(payload)) return;
  await col.upsert({
    id: ACCOUNT_CLIENT_ID,
    payload: payload as OidcDoc['payload'],
    createdAt: Date.now(),
  });
}
