import type Provider from 'oidc-provider';
import type { Logger } from '../log/createLogger.js';
import type { OidcDoc } from '../oidc/oidcCollectionSpec.js';

/** How long back-channel deliveries may hold up the response. */
export const BACKCHANNEL_WAIT_MS = 3000;

/** The part of oidc-provider's Client used here (its typings omit `backchannelLogout`). */
interface BackchannelClient {
  backchannelLogoutUri?: string;
  backchannelLogout(sub: string, sid: string): Promise<void>;
}

type Authorizations = Record<string, { sid?: string }>;

/** One app session to tell about a logout. */
export interface LogoutTarget {
  clientId: string;
  sid: string;
}

/** The app sessions (client, sid) held by the given provider session documents. */
export function logoutTargets(sessions: OidcDoc[]): LogoutTarget[] {
  const targets: LogoutTarget[] = [];
  for (const session of sessions) {
    const authorizations = (session.payload.authorizations ?? {}) as Authorizations;
    for (const [clientId, { sid }] of Object.entries(authorizations)) {
      if (sid) targets.push({ clientId, sid });
    }
  }
  return targets;
}

/**
 * Tells each app that registered a `backchannel_logout_uri` which of its sessions ended.
 * Best-effort: failures are logged, and the wait is capped at {@link BACKCHANNEL_WAIT_MS}.
 * Returns how many deliveries succeeded within the wait.
 */
export async function notifyLogout(
  deps: { provider: Provider; logger: Logger },
  accountId: string,
  targets: LogoutTarget[],
): Promise<number> {
  let notified = 0;
  const deliveries = targets.map(async ({ clientId, sid }) => {
    try {
      const client = (await deps.provider.Client.find(clientId)) as BackchannelClient | undefined;
      if (!client?.backchannelLogoutUri) return;
      await client.backchannelLogout(accountId, sid);
      notified += 1;
    } catch (err) {
      deps.logger.warn(
        { clientId, err: (err as Error).message },
        'back-channel logout delivery failed',
      );
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(deliveries),
    new Promise((resolve) => (timer = setTimeout(resolve, BACKCHANNEL_WAIT_MS))),
  ]);
  clearTimeout(timer);
  return notified;
}
