import type Provider from 'oidc-provider';
import type { Logger } from '../log/createLogger.js';
import type { Doc, Store } from '../store/collection.js';

/** The browser behind one provider session, as first seen when it signed in. */
export interface SessionDevice extends Doc {
  /** The session's stable uid. */
  id: string;
  accountId: string;
  userAgent?: string;
  ip?: string;
  at: number;
}

/** Which browser holds each provider session (the provider itself keeps no user agent). */
export interface SessionDevices {
  record(device: SessionDevice & { expiresAt: number }): Promise<void>;
  get(sessionUid: string): Promise<SessionDevice | undefined>;
  forAccount(accountId: string): Promise<SessionDevice[]>;
  deleteForAccount(accountId: string): Promise<number>;
}

/** Opens the `session_devices` collection (indexed by `accountId`, expiring with the session). */
export async function createSessionDevices(store: Store): Promise<SessionDevices> {
  const col = await store.collection<SessionDevice>({
    name: 'session_devices',
    indexed: ['accountId'],
  });
  return {
    record: (device) => col.upsert(device),
    get: (uid) => col.get(uid),
    forAccount: (accountId) => col.list('accountId', accountId),
    deleteForAccount: (accountId) => col.deleteMany('accountId', accountId),
  };
}

interface AuthorizationContext {
  ip: string;
  get(header: string): string;
  oidc?: { session?: { uid?: string; accountId?: string; exp?: number } };
}

/**
 * Records the browser of every session that completes an authorization (a sign-in, or an app
 * reusing the session), so the account page can list "Chrome on Linux" per session.
 */
export function watchSessionDevices(
  provider: Provider,
  devices: SessionDevices,
  logger: Logger,
): void {
  provider.on('authorization.success', (ctx: AuthorizationContext) => {
    const session = ctx.oidc?.session;
    if (!session?.uid || !session.accountId) return;
    const ua = ctx.get('User-Agent').slice(0, 256);
    const expiresAt = (session.exp ?? Math.floor(Date.now() / 1000) + 14 * 86400) * 1000;
    devices
      .get(session.uid)
      .then((known) =>
        devices.record({
          id: session.uid!,
          accountId: session.accountId!,
          ...(ua ? { userAgent: ua } : {}),
          ip: ctx.ip,
          at: known?.at ?? Date.now(),
          expiresAt,
        }),
      )
      .catch((err: unknown) => logger.warn({ err }, 'recording the session’s browser failed'));
  });
}
