import { createHash, randomBytes } from 'node:crypto';
import type { Doc, Store } from '../store/collection.js';

/** What happened, for the account's activity list and for operators. */
export type AuditType =
  | 'signup'
  | 'signin'
  | 'signin_failed'
  | 'passkey_added'
  | 'passkey_removed'
  | 'counter_regression'
  | 'recovery_requested'
  | 'recovery_used'
  | 'admin_action'
  | 'passkey_renamed'
  | 'app_revoked'
  | 'signed_out_everywhere'
  | 'device_connected'
  | 'device_refused'
  | 'api_token_used'
  | 'access_refused'
  | 'name_changed'
  | 'email_change_requested'
  | 'email_changed'
  | 'session_signed_out'
  | 'account_deleted';

/** What a caller records. Never holds secrets; `detail` is a short human-readable note. */
export interface AuditInput {
  type: AuditType;
  /** The person the event is about; absent for changes to apps, groups or API tokens. */
  accountId?: string;
  /** Who made an administrative change: `cli`, `admin:<accountId>` or `token:<tokenId>`. */
  actor?: string;
  ip?: string;
  userAgent?: string;
  clientId?: string;
  credentialId?: string;
  detail?: string;
}

/** One stored audit event. */
export interface AuditEvent extends AuditInput, Doc {
  at: number;
}

/** Where the request came from, recorded with every event. */
export interface RequestOrigin {
  ip?: string;
  userAgent?: string;
}

/** Which events {@link AuditLog.list} returns: all of them, or those matching every given field. */
export interface AuditFilter {
  accountId?: string;
  clientId?: string;
  type?: AuditType;
}

export interface AuditLog {
  record(event: AuditInput): Promise<void>;
  /** The account's newest `limit` events (default 50), newest first; never reads the rest. */
  forAccount(accountId: string, limit?: number): Promise<AuditEvent[]>;
  /** A page of the events matching `filter`, newest first, and how many match in all. */
  list(
    filter: AuditFilter,
    page: { offset: number; limit: number },
  ): Promise<{ events: AuditEvent[]; total: number }>;
  /**
   * After an account is deleted: its events keep only {@link hashedAccountId} (no raw id,
   * address, browser or note), so operators can still count what happened.
   */
  anonymize(accountId: string): Promise<number>;
}

/** The id a deleted account's audit events keep: a one-way hash of the old `sub`. */
export function hashedAccountId(accountId: string): string {
  return `deleted:${createHash('sha256').update(accountId).digest('base64url')}`;
}

/** Audit events kept for a year. */
const RETENTION_MS = 365 * 24 * 3600 * 1000;

/** Opens the `audit_events` collection (indexed by `accountId`, `clientId` and `type`). */
export async function createAuditLog(store: Store): Promise<AuditLog> {
  const col = await store.collection<AuditEvent>({
    name: 'audit_events',
    indexed: ['accountId', 'clientId', 'type'],
  });
  let seq = 0;
  /** The narrowest index lookup for the filter; ids sort by time, so id order is time order. */
  const candidates = async (filter: AuditFilter): Promise<AuditEvent[]> => {
    if (filter.accountId) return col.list('accountId', filter.accountId);
    if (filter.clientId) return col.list('clientId', filter.clientId);
    if (filter.type) return col.list('type', filter.type);
    const out: AuditEvent[] = [];
    for await (const e of col.all()) out.push(e);
    return out;
  };
  return {
    async record(event) {
      const at = Date.now();
      // The sequence keeps one process's events in order within the same millisecond.
      seq = (seq + 1) % 36 ** 4;
      const id = `${at.toString(36).padStart(9, '0')}-${seq.toString(36).padStart(4, '0')}-${randomBytes(6).toString('base64url')}`;
      await col.insert({ ...stripUndefined(event), id, at, expiresAt: at + RETENTION_MS });
    },
    // Ids start with the time, so the store reads just the newest `limit` through its index.
    forAccount: (accountId, limit = 50) =>
      col.list('accountId', accountId, { newestFirst: true, limit }),
    async list(filter, page) {
      const matching = (await candidates(filter)).filter(
        (e) =>
          (!filter.accountId || e.accountId === filter.accountId) &&
          (!filter.clientId || e.clientId === filter.clientId) &&
          (!filter.type || e.type === filter.type),
      );
      matching.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
      return {
        events: matching.slice(page.offset, page.offset + page.limit),
        total: matching.length,
      };
    },
    async anonymize(accountId) {
      const events = await col.list('accountId', accountId);
      const hashed = hashedAccountId(accountId);
      for (const e of events) {
        const kept: AuditEvent = { id: e.id, type: e.type, at: e.at, accountId: hashed };
        if (e.clientId) kept.clientId = e.clientId;
        if (e.expiresAt !== undefined) kept.expiresAt = e.expiresAt;
        await col.upsert(kept);
      }
      return events.length;
    },
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
