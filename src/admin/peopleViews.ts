import type { Account } from '../accounts/accountRepository.js';
import type { AuditEvent } from '../accounts/auditLog.js';
import type { StoredCredential } from '../passkeys/credentialRepository.js';

/** An account as operators see it. */
export interface UserSummary {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  disabled: boolean;
  admin: boolean;
  passkeys: number;
}

/** A passkey as operators see it: never the key, only a prefix of its id. */
export interface PasskeyView {
  id: string;
  name: string;
  aaguid: string;
  kind: 'synced' | 'device-bound';
  createdAt: string;
  lastUsedAt: string | null;
}

/** An audit event as operators see it. */
export interface EventView {
  at: string;
  type: string;
  detail?: string;
  ip?: string;
  userAgent?: string;
  clientId?: string;
  credentialId?: string;
  actor?: string;
  accountId?: string;
}

/** `user show`: the account, its passkeys, groups and recent activity (newest first). */
export interface UserDetails {
  account: UserSummary;
  passkeys: PasskeyView[];
  groups: string[];
  events: EventView[];
}

export const iso = (ms: number) => new Date(ms).toISOString();
/** Enough of a credential id to tell passkeys apart, not a whole identifier. */
const idPrefix = (id: string) => `${id.slice(0, 12)}…`;

export function summaryOf(account: Account, passkeys: number): UserSummary {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    createdAt: iso(account.createdAt),
    disabled: account.disabled === true,
    admin: account.admin === true,
    passkeys,
  };
}

export function passkeyView(c: StoredCredential): PasskeyView {
  return {
    id: idPrefix(c.id),
    name: c.name,
    aaguid: c.aaguid,
    kind: c.backupEligible ? 'synced' : 'device-bound',
    createdAt: iso(c.createdAt),
    lastUsedAt: c.lastUsedAt === undefined ? null : iso(c.lastUsedAt),
  };
}

export function eventView(e: AuditEvent): EventView {
  const view: EventView = { at: iso(e.at), type: e.type };
  if (e.detail) view.detail = e.detail;
  if (e.ip) view.ip = e.ip;
  if (e.userAgent) view.userAgent = e.userAgent;
  if (e.clientId) view.clientId = e.clientId;
  if (e.credentialId) view.credentialId = idPrefix(e.credentialId);
  if (e.actor) view.actor = e.actor;
  if (e.accountId) view.accountId = e.accountId;
  return view;
}
