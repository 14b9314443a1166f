import type { AuditLog } from '../accounts/auditLog.js';
import type { Actor } from './actor.js';

/** How an actor is written in the audit trail: `cli`, `admin:<accountId>` or `token:<tokenId>`. */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'admin') return `admin:${actor.accountId}`;
  if (actor.kind === 'token') return `token:${actor.tokenId}`;
  return 'cli';
}

/** What an administrative change is about: a person, an app, or neither (a token, a group). */
export interface AdminChange {
  accountId?: string;
  clientId?: string;
  detail: string;
}

/** Records administrative changes as `admin_action` events, each with who made it. */
export type RecordAdminAction = (actor: Actor, change: AdminChange) => Promise<void>;

/**
 * Builds the one writer of `admin_action` events. `cliUser` (e.g. `sesame CLI (alice@host)`)
 * is kept as the user agent of changes made from the command line.
 */
export function adminActionRecorder(audit: AuditLog, cliUser?: string): RecordAdminAction {
  return (actor, change) =>
    audit.record({
      type: 'admin_action',
      actor: actorLabel(actor),
      ...change,
      ...(actor.kind === 'cli' && cliUser ? { userAgent: cliUser } : {}),
    });
}
