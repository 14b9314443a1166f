import type Provider from 'oidc-provider';
import type { Logger } from '../log/createLogger.js';
import { deliverBackchannelLogout, type BackchannelClient } from '../oidc/backchannelDelivery.js';
import { endAccountSessions, type EndedSessions } from '../oidc/endAccountSessions.js';
import { oidcCollectionSpec, type OidcDoc } from '../oidc/oidcCollectionSpec.js';
import type { Store } from '../store/collection.js';

/** How long back-channel deliveries may hold up the response. */
export const BACKCHANNEL_WAIT_MS = 3000;

type Authorizations = Record<string, { sid?: string }>;

/**
 * Ends every session and grant of the account in the shared store (every instance sees it at
 * once), then tells each app that registered a `backchannel_logout_uri` which of its sessions
 * ended. A failed delivery is logged with its cause and retried in the background; the wait
 * here is capped at
 * {@link BACKCHANNEL_WAIT_MS}.
 */
export async function signOutEverywhere(
  deps: { store: Store; provider: Provider; logger: Logger },
  accountId: string,
): Promise<EndedSessions & { notified: number }> {
  const sessions = await deps.store.collection<OidcDoc>(oidcCollectionSpec('Session'));
  const targets: { clientId: string; sid: string }[] = [];
  for (const session of await sessions.list('payload.accountId', accountId)) {
    const authorizations = (session.payload.authorizations ?? {}) as Authorizations;
    for (const [clientId, { sid }] of Object.entries(authorizations)) {
      if (sid) targets.push({ clientId, sid });
    }
  }
  const ended = await endAccountSessions(deps.store, accountId);
  let notified = 0;
  const deliveries = targets.map(async ({ clientId, sid }) => {
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
  return { ...ended, notified };
}
