import { randomBytes } from 'node:crypto';
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
  | 'access_refused'
  | 'group_changed';

/** What a caller records. Never holds secrets; `detail` is a short human-readable note. */
export interface AuditInput {
  type: AuditType;
  accountId: string;
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

export interface AuditLog {
  record(event: AuditInput): Promise<void>;
  /** Newest first. */
  forAccount(accountId: string, limit?: number): Promise<AuditEvent[]>;
}

/** Audit events kept for a year. */
const RETENTION_MS = 365 * 24 * 3600 * 1000;

/** Opens the `audit_events` collection (indexed by `accountId`). */
export async function createAuditLog(store: Store): Promise<AuditLog> {
  const col = await store.collection<AuditEvent>({ name: 'audit_events', indexed: ['accountId'] });
  return {
    async record(event) {
      const at = Date.now();
      const id = `${at.toString(36).padStart(9, '0')}-${randomBytes(6).toString('base64url')}`;
      await col.insert({ ...stripUndefined(event), id, at, expiresAt: at + RETENTION_MS });
    },
    async forAccount(accountId, limit = 50) {
      const events = await col.list('accountId', accountId);
      return events.sort((a, b) => b.at - a.at).slice(0, limit);
    },
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
