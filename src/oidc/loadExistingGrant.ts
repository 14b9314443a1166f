import type { KoaContextWithOIDC, Grant } from 'oidc-provider';
import type { Collection } from '../store/collection.js';
import type { OidcDoc } from './oidcCollectionSpec.js';
import { metadataOf } from './metadataOf.js';

/**
 * Finds the grant that covers this request so consent is asked once per app, not per session:
 * the session's grant for the client, else the account's grant for the client from another
 * session. First-party clients get a grant for what they asked, so they never see consent.
 */
export function createLoadExistingGrant(grants: Pick<Collection<OidcDoc>, 'list'>) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { oidc } = ctx;
    const client = oidc.client;
    const accountId = oidc.session?.accountId;
    if (!client || !accountId) return undefined;
    const { Grant } = oidc.provider;
    const sessionGrantId =
      oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(client.clientId);
    let grant = sessionGrantId ? await Grant.find(sessionGrantId) : undefined;
    if (!grant) {
      const docs = await grants.list('payload.accountId', accountId);
      const doc = docs.find((d) => d.payload.clientId === client.clientId);
      if (doc) grant = await Grant.find(doc.id);
    }
    if (metadataOf(client).first_party === true) {
      grant ??= new Grant({ clientId: client.clientId, accountId });
      const scopes = [...(oidc.requestParamScopes ?? [])].join(' ');
      if (scopes) grant.addOIDCScope(scopes);
      const claims = [...(oidc.requestParamClaims ?? [])];
      if (claims.length) grant.addOIDCClaims(claims);
      await grant.save();
    }
    return grant;
  };
}
