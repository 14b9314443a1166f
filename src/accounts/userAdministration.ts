import type { Renderer } from '../http/renderer.js';
import { composeMail } from '../mail/composeMail.js';
import type { Mailer } from '../mail/mailer.js';
import { endAccountSessions, type EndedSessions } from '../oidc/accountSessions.js';
import { createCredentialRepository } from '../passkeys/credentialRepository.js';
import type { StoredCredential } from '../passkeys/credentialRepository.js';
import type { Store } from '../store/collection.js';
import { createAccountRepository, type Account } from './accountRepository.js';
import { createAuditLog, type AuditEvent } from './auditLog.js';
import { emailSchema } from './normalizeEmail.js';
import { ADMIN_RECOVERY_LINK_TTL_MS, createRecoveryTokens, recoveryUrl } from './recoveryTokens.js';

/** What operator actions need; the CLI builds it from the same configuration as the server. */
export interface UserAdministrationDeps {
  store: Store;
  issuer: string;
  rpName: string;
  mailer: Mailer;
  renderer: Renderer;
  /** Who acts, recorded as the audit events' user agent, e.g. `sesame CLI (alice@host)`. */
  actor: string;
}

/** An account as operators see it. */
export interface UserSummary {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  disabled: boolean;
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
}

/** `user show`: the account, its passkeys and its recent activity (newest first). */
export interface UserDetails {
  account: UserSummary;
  passkeys: PasskeyView[];
  events: EventView[];
}

/** A refused operator action; the message says what is wrong in words. */
export class UserAdminError extends Error {
  override readonly name = 'UserAdminError';
}

export interface UserAdministration {
  list(): Promise<UserSummary[]>;
  show(email: string): Promise<UserDetails>;
  /** Disables the account and ends its sessions, grants and tokens at once. */
  disable(email: string): Promise<{ account: UserSummary; ended: EndedSessions }>;
  enable(email: string): Promise<UserSummary>;
  /**
   * Issues a one-time recovery link valid 24 hours and mails the person that it was issued
   * (the mail does not carry the link: the operator hands it over after checking who asks).
   */
  issueRecoveryLink(
    email: string,
  ): Promise<{ email: string; url: string; expiresAt: string; notified: boolean }>;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Enough of a credential id to tell passkeys apart, not a whole identifier. */
const idPrefix = (id: string) => `${id.slice(0, 12)}…`;

/** Operator actions on accounts (SPEC.md §3 `user …`), every change audited as `admin_action`. */
export async function createUserAdministration(
  deps: UserAdministrationDeps,
): Promise<UserAdministration> {
  const [accounts, credentials, audit, tokens] = await Promise.all([
    createAccountRepository(deps.store),
    createCredentialRepository(deps.store),
    createAuditLog(deps.store),
    createRecoveryTokens(deps.store),
  ]);

  const find = async (email: string): Promise<Account> => {
    const parsed = emailSchema.safeParse(email);
    if (!parsed.success) throw new UserAdminError(`"${email}" is not a valid email address`);
    const account = await accounts.findByEmail(parsed.data);
    if (!account) throw new UserAdminError(`no account with email ${parsed.data}`);
    return account;
  };
  const summary = async (account: Account): Promise<UserSummary> => ({
    id: account.id,
    email: account.email,
    name: account.name,
    createdAt: iso(account.createdAt),
    disabled: account.disabled === true,
    passkeys: (await credentials.forAccount(account.id)).length,
  });
  const adminAction = (account: Account, detail: string) =>
    audit.record({ type: 'admin_action', accountId: account.id, detail, userAgent: deps.actor });

  return {
    async list() {
      const out: UserSummary[] = [];
      for await (const account of accounts.all()) out.push(await summary(account));
      return out.sort((a, b) => a.email.localeCompare(b.email));
    },

    async show(email) {
      const account = await find(email);
      const [passkeys, events] = await Promise.all([
        credentials.forAccount(account.id),
        audit.forAccount(account.id, 20),
      ]);
      return {
        account: await summary(account),
        passkeys: passkeys.map(passkeyView),
        events: events.map(eventView),
      };
    },

    async disable(email) {
      const account = await find(email);
      const disabled: Account = { ...account, disabled: true };
      await accounts.update(disabled);
      const ended = await endAccountSessions(deps.store, account.id);
      await tokens.revokeAll(account.id);
      await adminAction(
        account,
        `account disabled; ended ${ended.sessions} session(s) and ${ended.grants} grant(s)`,
      );
      return { account: await summary(disabled), ended };
    },

    async enable(email) {
      const account = await find(email);
      const { disabled: _dropped, ...rest } = account;
      const enabled: Account = rest;
      await accounts.update(enabled);
      await adminAction(account, 'account enabled');
      return summary(enabled);
    },

    async issueRecoveryLink(email) {
      const account = await find(email);
      if (account.disabled)
        throw new UserAdminError(`the account ${account.email} is disabled; enable it first`);
      const { token, expiresAt } = await tokens.issue({
        accountId: account.id,
        issuedBy: 'admin',
        ttlMs: ADMIN_RECOVERY_LINK_TTL_MS,
      });
      await adminAction(account, 'recovery link issued (valid 24 hours, one use)');
      let notified = true;
      try {
        await deps.mailer.send(
          composeMail(deps.renderer, {
            to: account.email,
            name: 'recoveryIssued',
            subject: 'mail.recoveryIssued.subject',
            rpName: deps.rpName,
            locale: account.locale,
            model: {
              name: account.name,
              until: new Date(expiresAt).toISOString(),
              issuer: deps.issuer,
              rpName: deps.rpName,
            },
          }),
        );
      } catch {
        notified = false;
      }
      return {
        email: account.email,
        url: recoveryUrl(deps.issuer, token),
        expiresAt: iso(expiresAt),
        notified,
      };
    },
  };
}

function passkeyView(c: StoredCredential): PasskeyView {
  return {
    id: idPrefix(c.id),
    name: c.name,
    aaguid: c.aaguid,
    kind: c.backupEligible ? 'synced' : 'device-bound',
    createdAt: iso(c.createdAt),
    lastUsedAt: c.lastUsedAt === undefined ? null : iso(c.lastUsedAt),
  };
}

function eventView(e: AuditEvent): EventView {
  const view: EventView = { at: iso(e.at), type: e.type };
  if (e.detail) view.detail = e.detail;
  if (e.ip) view.ip = e.ip;
  if (e.userAgent) view.userAgent = e.userAgent;
  if (e.clientId) view.clientId = e.clientId;
  if (e.credentialId) view.credentialId = idPrefix(e.credentialId);
  return view;
}
