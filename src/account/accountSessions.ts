import { oidcCollectionSpec, type OidcDoc } from '../oidc/oidcCollectionSpec.js';
import type { AccountDeps } from './accountDeps.js';
import { describeUserAgent } from '../http/describeUserAgent.js';
import { maskIp } from './maskIp.js';
import { endSession } from '../oidc/accountSessions.js';

/** One signed-in browser on the account page. */
export interface SessionView {
  uid: string;
  /** "Chrome on Linux", or undefined when the browser is not known. */
  browser?: string;
  /** The masked address it signed in from (`203.0.113.x`). */
  place?: string;
  /** Signed in at (epoch ms). */
  since?: number;
  current: boolean;
}

async function sessionDocs(deps: Pick<AccountDeps, 'store'>, accountId: string) {
  const col = await deps.store.collection<OidcDoc>(oidcCollectionSpec('Session'));
  return col.list('payload.accountId', accountId);
}

/** The account's signed-in browsers, this one first, then newest first. */
export async function listSessions(
  deps: Pick<AccountDeps, 'store' | 'devices'>,
  accountId: string,
  currentUid: string,
): Promise<SessionView[]> {
  const [docs, devices] = await Promise.all([
    sessionDocs(deps, accountId),
    deps.devices.forAccount(accountId),
  ]);
  const byUid = new Map(devices.map((d) => [d.id, d]));
  return docs
    .map((doc): SessionView => {
      const uid = String(doc.payload.uid ?? doc.id);
      const device = byUid.get(uid);
      const loginTs = typeof doc.payload.loginTs === 'number' ? doc.payload.loginTs : undefined;
      const browser = describeUserAgent(device?.userAgent);
      const place = maskIp(device?.ip);
      const since = loginTs !== undefined ? loginTs * 1000 : device?.at;
      return {
        uid,
        current: uid === currentUid,
        ...(browser ? { browser } : {}),
        ...(place ? { place } : {}),
        ...(since !== undefined ? { since } : {}),
      };
    })
    .sort((a, b) => Number(b.current) - Number(a.current) || (b.since ?? 0) - (a.since ?? 0));
}

/**
 * Signs one browser out: deletes that provider session (its cookie no longer works anywhere)
 * and tells the apps it was signed in to over back-channel logout. Grants stay: the person
 * still uses those apps elsewhere. Returns false when the account has no such session.
 */
export async function signOutSession(
  deps: Pick<AccountDeps, 'store' | 'provider' | 'logger'>,
  accountId: string,
  sessionUid: string,
): Promise<boolean> {
  return (await endSession(deps, accountId, sessionUid)).ended;
}
