import type { Store } from '../store/collection.js';
import { oidcCollectionSpec, type OidcDoc } from './oidcCollectionSpec.js';
import { revokeGrants } from './revokeGrants.js';

/** What {@link endAccountSessions} removed. */
export interface EndedSessions {
  sessions: number;
  grants: number;
  /** Tokens, codes and other artifacts issued under those grants. */
  artifacts: number;
}

/**
 * Ends everything an account holds at the provider, at once: its sessions (so no browser is
 * signed in), every grant (so consent is gone and refresh fails with `invalid_grant`) and every
 * artifact issued under those grants — access and refresh tokens, authorization codes, and
 * whatever other oidc-provider model carries the grant id — so resource servers get 401.
 * Works from any process sharing the store (the server reads these per request).
 */
export async function endAccountSessions(store: Store, accountId: string): Promise<EndedSessions> {
  const sessions = await store.collection<OidcDoc>(oidcCollectionSpec('Session'));
  const grants = await store.collection<OidcDoc>(oidcCollectionSpec('Grant'));

  const grantIds = new Set<string>();
  for (const grant of await grants.list('payload.accountId', accountId)) grantIds.add(grant.id);
  for (const session of await sessions.list('payload.accountId', accountId)) {
    const authorizations = (session.payload.authorizations ?? {}) as Record<
      string,
      { grantId?: string }
    >;
    for (const { grantId } of Object.values(authorizations)) if (grantId) grantIds.add(grantId);
  }

  // Sessions first, so no new authorization can start from them while the rest goes.
  const ended = await sessions.deleteMany('payload.accountId', accountId);
  return { sessions: ended, ...(await revokeGrants(store, grantIds)) };
}
