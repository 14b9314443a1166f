import type { Store } from '../store/collection.js';
import { oidcCollectionSpec, type OidcDoc } from '../oidc/oidcCollectionSpec.js';
import { ACCOUNT_CLIENT_ID } from './accountClient.js';

/** One app the person let in: the client and the scopes of its grants. */
export interface ConnectedApp {
  clientId: string;
  scopes: string[];
  /** When the oldest grant for the app was given (epoch ms), when known. */
  since?: number;
}

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
