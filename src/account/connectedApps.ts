import type { Store } from '../store/collection.js';
import { oidcCollectionSpec, type OidcDoc } from '../oidc/oidcCollectionSpec.js';
import { revokeGrants } from '../oidc/revokeGrants.js';
import { ACCOUNT_CLIENT_ID } from './accountClient.js';

/** One app the person let in: the client and the scopes of its grants. */
export interface ConnectedApp {
  clientId: string;
  scopes: string[];
  /** When the oldest grant for the app was given (epoch ms), when known. */
  since?: number;
}

type Authorizations = Record<string, { grantId?: string; sid?: string }>;

/** The apps holding a grant from the account (Sesame's own account client excluded). */
export async function connectedApps(store: Store, accountId: string): Promise<ConnectedApp[]> {
  const grants = await store.collection<OidcDoc>(oidcCollectionSpec('Grant'));
  const byClient = new Map<string, ConnectedApp>();
  for (const grant of await grants.list('payload.accountId', accountId)) {
    const p = grant.payload as { clientId?: string; iat?: number; openid?: { scope?: string } };
    if (!p.clientId || p.clientId === ACCOUNT_CLIENT_ID) continue;
    const app = byClient.get(p.clientId) ?? { clientId: p.clientId, scopes: [] };
    for (const s of (p.openid?.scope ?? '').split(' '))
      if (s && !app.scopes.includes(s)) app.scopes.push(s);
    const at = typeof p.iat === 'number' ? p.iat * 1000 : undefined;
    if (at !== undefined && (app.since === undefined || at < app.since)) app.since = at;
    byClient.set(p.clientId, app);
  }
  return [...byClient.values()];
}

/**
 * Ends one app's access for the account at once: deletes every grant the account gave the
 * client, every artifact issued under them (access and refresh tokens, codes…), and the
 * client's entry in the account's sessions, so the app must ask again. Returns how many grants
 * went (0 when the account gave the app none).
 */
export async function revokeApp(
  store: Store,
  accountId: string,
  clientId: string,
): Promise<number> {
  const grants = await store.collection<OidcDoc>(oidcCollectionSpec('Grant'));
  const sessions = await store.collection<OidcDoc>(oidcCollectionSpec('Session'));
  const grantIds = new Set<string>();
  for (const grant of await grants.list('payload.accountId', accountId)) {
    if (grant.payload.clientId === clientId) grantIds.add(grant.id);
  }
  for (const session of await sessions.list('payload.accountId', accountId)) {
    const authorizations = (session.payload.authorizations ?? {}) as Authorizations;
    const entry = authorizations[clientId];
    if (!entry) continue;
    if (entry.grantId) grantIds.add(entry.grantId);
    const { [clientId]: _dropped, ...rest } = authorizations;
    await sessions.upsert({ ...session, payload: { ...session.payload, authorizations: rest } });
  }
  if (grantIds.size === 0) return 0;
  return (await revokeGrants(store, grantIds)).grants;
}
