import type Provider from 'oidc-provider';
import type { Logger } from '../log/createLogger.js';
import type { Collection, Store } from '../store/collection.js';
import { deliverBackchannelLogout, type BackchannelClient } from './backchannelDelivery.js';
import { oidcCollectionSpec, type OidcDoc } from './oidcCollectionSpec.js';
import { revokeGrants } from './revokeGrants.js';

// The one module that edits what oidc-provider keeps for an account (sessions, grants and the
// artifacts issued under them). It deletes documents and never rewrites a Session payload:
// the provider saves sessions whole on every request, so a rewrite from outside would race it.

/** What ending sessions removed. */
export interface EndedSessions {
  sessions: number;
  grants: number;
  /** Tokens, codes and other artifacts issued under those grants. */
  artifacts: number;
}

/** How long back-channel deliveries may hold up the response (failures retry in background). */
export const BACKCHANNEL_WAIT_MS = 3000;

/** One app's entry in one session: which grant it uses and its `sid` for back-channel logout. */
interface SessionAuthorization {
  sessionId: string;
  clientId: string;
  grantId?: string;
  sid?: string;
}

type Authorizations = Record<string, { grantId?: string; sid?: string }>;

/** Walks the account's sessions once: every (session, app) authorization they hold. */
async function authorizationsOf(
  sessions: Collection<OidcDoc>,
  accountId: string,
): Promise<SessionAuthorization[]> {
  const found: SessionAuthorization[] = [];
  for (const session of await sessions.list('payload.accountId', accountId)) {
    const authorizations = (session.payload.authorizations ?? {}) as Authorizations;
    for (const [clientId, { grantId, sid }] of Object.entries(authorizations))
      found.push({ sessionId: session.id, clientId, grantId, sid });
  }
  return found;
}

async function collections(store: Store) {
  const [sessions, grants] = await Promise.all([
    store.collection<OidcDoc>(oidcCollectionSpec('Session')),
    store.collection<OidcDoc>(oidcCollectionSpec('Grant')),
  ]);
  return { sessions, grants };
}

/**
 * Ends one app's access for the account at once: deletes every grant the account gave the
 * client (found in the grants and in the sessions' authorizations) and every artifact issued
 * under them, so its tokens stop working and it must be authorized again. Returns how many
 * grants went (0 when the account gave the app none).
 */
export async function revokeApp(
  store: Store,
  accountId: string,
  clientId: string,
): Promise<number> {
  const { sessions, grants } = await collections(store);
  const grantIds = new Set<string>();
  for (const grant of await grants.list('payload.accountId', accountId))
    if (grant.payload.clientId === clientId) grantIds.add(grant.id);
  for (const entry of await authorizationsOf(sessions, accountId))
    if (entry.clientId === clientId && entry.grantId) grantIds.add(entry.grantId);
  if (grantIds.size === 0) return 0;
  return (await revokeGrants(store, grantIds)).grants;
}

/**
 * Ends everything an account holds at the provider, at once: its sessions (so no browser is
 * signed in), every grant (so consent is gone and refresh fails with `invalid_grant`) and every
 * artifact issued under them, so resource servers get 401. Works from any process sharing the
 * store. Used when an account is disabled or deleted, and by {@link signOutEverywhere}.
 */
export async function endAccountSessions(store: Store, accountId: string): Promise<EndedSessions> {
  return (await endAndCollect(store, accountId)).ended;
}

async function endAndCollect(store: Store, accountId: string) {
  const { sessions, grants } = await collections(store);
  const authorizations = await authorizationsOf(sessions, accountId);
  const grantIds = new Set(authorizations.flatMap((a) => (a.grantId ? [a.grantId] : [])));
  for (const grant of await grants.list('payload.accountId', accountId)) grantIds.add(grant.id);
  // Sessions first, so no new authorization can start from them while the rest goes.
  const ended = await sessions.deleteMany('payload.accountId', accountId);
  return {
    authorizations,
    ended: { sessions: ended, ...(await revokeGrants(store, grantIds)) },
  };
}

/** What back-channel logout needs: the provider (for clients) and where failures are logged. */
export interface NotifyDeps {
  store: Store;
  provider: Provider;
  logger: Logger;
}

/**
 * Tells each app that registered a `backchannel_logout_uri` which of its sessions ended; waits
 * at most {@link BACKCHANNEL_WAIT_MS} (a failure is logged with its cause and retried in the
 * background). Returns how many deliveries succeeded in that time.
 */
async function notifyApps(
  deps: NotifyDeps,
  accountId: string,
  ended: readonly SessionAuthorization[],
): Promise<number> {
  let notified = 0;
  const deliveries = ended.map(async ({ clientId, sid }) => {
    if (!sid) return;
    const client = (await deps.provider.Client.find(clientId)) as BackchannelClient | undefined;
    if (!client?.backchannelLogoutUri) return;
    if (await deliverBackchannelLogout(client, { accountId, sid }, deps.logger)) notified += 1;
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(deliveries),
    new Promise((resolve) => (timer = setTimeout(resolve, BACKCHANNEL_WAIT_MS))),
  ]);
  clearTimeout(timer);
  return notified;
}

/**
 * Signs the account out everywhere: {@link endAccountSessions}, then back-channel logout to
 * every app of every ended session.
 */
export async function signOutEverywhere(
  deps: NotifyDeps,
  accountId: string,
): Promise<EndedSessions & { notified: number }> {
  const { authorizations, ended } = await endAndCollect(deps.store, accountId);
  return { ...ended, notified: await notifyApps(deps, accountId, authorizations) };
}

/**
 * Signs out ONE session of the account (e.g. a browser listed on the account page), named by its
 * public `uid` (never the cookie value): deletes that session only (grants stay, other sessions
 * use them) and tells its apps by back-channel logout. `false` when the account has no such
 * session.
 */
export async function endSession(
  deps: NotifyDeps,
  accountId: string,
  sessionUid: string,
): Promise<{ ended: boolean; notified: number }> {
  const { sessions } = await collections(deps.store);
  const session = await sessions.findOne('payload.uid', sessionUid);
  if (!session || session.payload.accountId !== accountId) return { ended: false, notified: 0 };
  const authorizations = (await authorizationsOf(sessions, accountId)).filter(
    (a) => a.sessionId === session.id,
  );
  if (!(await sessions.delete(session.id))) return { ended: false, notified: 0 };
  return { ended: true, notified: await notifyApps(deps, accountId, authorizations) };
}
