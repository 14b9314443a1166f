import type { Doc, Store } from '../store/collection.js';

/** How long a sign-in or a passkey re-check allows changes on the account page. */
export const RECENT_MS = 10 * 60_000;

/** When the person last proved it is them, per provider session (shared by every instance). */
export interface RecentVerifications {
  /** Records a passkey re-check for the session now. */
  record(sessionUid: string): Promise<void>;
  /** Whether the session signed in, or re-checked, within `withinMs` (default {@link RECENT_MS}). */
  isRecent(session: { uid: string; loginTs?: number }, withinMs?: number): Promise<boolean>;
}

interface Verification extends Doc {
  at: number;
}

/** Opens the `account_verifications` collection; entries expire with the window. */
export async function createRecentVerifications(store: Store): Promise<RecentVerifications> {
  const col = await store.collection<Verification>({ name: 'account_verifications' });
  return {
    async record(sessionUid) {
      const at = Date.now();
      await col.upsert({ id: sessionUid, at, expiresAt: at + RECENT_MS });
    },
    async isRecent(session, withinMs = RECENT_MS) {
      const since = Date.now() - Math.min(withinMs, RECENT_MS);
      if ((session.loginTs ?? 0) * 1000 > since) return true;
      const seen = await col.get(session.uid);
      return seen !== undefined && seen.at > since;
    },
  };
}
