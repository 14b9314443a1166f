import type { Account, AccountRepository } from '../accounts/accountRepository.js';
import type { AuditLog } from '../accounts/auditLog.js';
import { emailSchema } from '../accounts/normalizeEmail.js';
import {
  ADMIN_RECOVERY_LINK_TTL_MS,
  recoveryUrl,
  type RecoveryTokens,
} from '../accounts/recoveryTokens.js';
import type { Renderer } from '../http/renderer.js';
import { composeMail } from '../mail/composeMail.js';
import type { Mailer } from '../mail/mailer.js';
import type { EndedSessions } from '../oidc/accountSessions.js';
import type { CredentialRepository } from '../passkeys/credentialRepository.js';
import type { Actor } from './actor.js';
import { invalidInput, notFound } from './adminErrors.js';
import type { RecordAdminAction } from './adminAudit.js';
import {
  eventView,
  iso,
  passkeyView,
  summaryOf,
  type UserDetails,
  type UserSummary,
} from './peopleViews.js';

/** A person, by email (the CLI) or by account id (the console and the API). */
export type PersonRef = { email: string } | { id: string };

/** What the people rules need, handed over by the service. */
export interface PeopleDeps {
  accounts: AccountRepository;
  credentials: CredentialRepository;
  audit: AuditLog;
  recoveryTokens: RecoveryTokens;
  record: RecordAdminAction;
  /** Ends the account's sessions, grants and tokens (with back-channel logout where it can). */
  endSessions(accountId: string): Promise<EndedSessions>;
  /** The person's groups (from the groups module), when it is wired in. */
  groupsOf?(accountId: string): Promise<string[]>;
  /** Removes the person's group memberships and custom claims (on delete). */
  forgetGroups(accountId: string): Promise<void>;
  issuer: string;
  rpName: string;
  mailer: Mailer;
  renderer: Renderer;
}

/** Operator rules for people, shared by the CLI, the console and the API. */
export interface PeopleAdmin {
  /** Every account, by email; `search` keeps those whose email or name contains it. */
  list(search?: string): Promise<UserSummary[]>;
  get(ref: PersonRef): Promise<Account>;
  show(ref: PersonRef): Promise<UserDetails>;
  /** Disables the account and ends its sessions, grants and tokens at once. */
  disable(actor: Actor, ref: PersonRef): Promise<{ account: UserSummary; ended: EndedSessions }>;
  enable(actor: Actor, ref: PersonRef): Promise<UserSummary>;
  promote(actor: Actor, ref: PersonRef): Promise<UserSummary>;
  demote(actor: Actor, ref: PersonRef): Promise<UserSummary>;
  /**
   * Ends everything the account holds, deletes its passkeys, links, group memberships, custom
   * claims and the account.
   */
  remove(actor: Actor, ref: PersonRef): Promise<{ email: string; ended: EndedSessions }>;
  /**
   * Issues a one-time recovery link valid 24 hours and mails the person that it was issued
   * (the mail does not carry the link: the operator hands it over after checking who asks).
   */
  issueRecoveryLink(
    actor: Actor,
    ref: PersonRef,
  ): Promise<{ email: string; url: string; expiresAt: string; notified: boolean }>;
  /** Whether any account holds the admin role. */
  anyAdmin(): Promise<boolean>;
  /** The names of the groups the account belongs to. */
  groupsOf(accountId: string): Promise<string[]>;
}

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Builds the people rules over the account, passkey, audit and recovery repositories. */
export function createPeopleAdmin(deps: PeopleDeps): PeopleAdmin {
  const { accounts, credentials, record } = deps;
  const get = async (ref: PersonRef): Promise<Account> => {
    if ('email' in ref) {
      const parsed = emailSchema.safeParse(ref.email);
      if (!parsed.success) throw invalidInput(`"${ref.email}" is not a valid email address`);
      const account = await accounts.findByEmail(parsed.data);
      if (!account) throw notFound(`no account with email ${parsed.data}`);
      return account;
    }
    const account = ACCOUNT_ID.test(ref.id) ? await accounts.get(ref.id) : undefined;
    if (!account) throw notFound(`no account with id ${ref.id}`);
    return account;
  };
  const groupsOf = async (accountId: string) => (deps.groupsOf ? deps.groupsOf(accountId) : []);
  const summary = async (account: Account) =>
    summaryOf(account, (await credentials.forAccount(account.id)).length);
  /** The console and API must not lock their own user out; the CLI may do anything. */
  const notSelf = (actor: Actor, account: Account, what: string) => {
    if (actor.kind === 'admin' && actor.accountId === account.id)
      throw invalidInput(
        `You cannot ${what} your own account here; ask another administrator or use the CLI.`,
      );
  };
  const setRole = async (actor: Actor, ref: PersonRef, admin: boolean) => {
    const account = await get(ref);
    if (!admin) notSelf(actor, account, 'remove the admin role from');
    const { admin: _dropped, ...rest } = account;
    const changed: Account = admin ? { ...rest, admin: true } : rest;
    await accounts.update(changed);
    await record(actor, {
      accountId: account.id,
      detail: admin ? 'admin role granted' : 'admin role removed',
    });
    return summary(changed);
  };

  return {
    async list(search) {
      const needle = search?.trim().toLowerCase();
      const out: UserSummary[] = [];
      for await (const account of accounts.all()) {
        if (
          needle &&
          !account.email.includes(needle) &&
          !account.name.toLowerCase().includes(needle)
        )
          continue;
        out.push(await summary(account));
      }
      return out.sort((a, b) => a.email.localeCompare(b.email));
    },
    get,
    async show(ref) {
      const account = await get(ref);
      const [passkeys, events, groups] = await Promise.all([
        credentials.forAccount(account.id),
        deps.audit.forAccount(account.id, 20),
        groupsOf(account.id),
      ]);
      return {
        account: await summary(account),
        passkeys: passkeys.map(passkeyView),
        groups,
        events: events.map(eventView),
      };
    },
    async disable(actor, ref) {
      const account = await get(ref);
      notSelf(actor, account, 'disable');
      const disabled: Account = { ...account, disabled: true };
      await accounts.update(disabled);
      const ended = await deps.endSessions(account.id);
      await deps.recoveryTokens.revokeAll(account.id);
      await record(actor, {
        accountId: account.id,
        detail: `account disabled; ended ${ended.sessions} session(s) and ${ended.grants} grant(s)`,
      });
      return { account: await summary(disabled), ended };
    },
    async enable(actor, ref) {
      const account = await get(ref);
      const { disabled: _dropped, ...enabled } = account;
      await accounts.update(enabled);
      await record(actor, { accountId: account.id, detail: 'account enabled' });
      return summary(enabled);
    },
    promote: (actor, ref) => setRole(actor, ref, true),
    demote: (actor, ref) => setRole(actor, ref, false),
    async remove(actor, ref) {
      const account = await get(ref);
      notSelf(actor, account, 'delete');
      // Disabled first, so no sign-in can start while the rest goes.
      await accounts.update({ ...account, disabled: true });
      const ended = await deps.endSessions(account.id);
      await deps.recoveryTokens.revokeAll(account.id);
      for (const c of await credentials.forAccount(account.id)) await credentials.delete(c.id);
      await deps.forgetGroups(account.id);
      await accounts.delete(account.id);
      await record(actor, { accountId: account.id, detail: 'account deleted with its passkeys' });
      return { email: account.email, ended };
    },
    async issueRecoveryLink(actor, ref) {
      const account = await get(ref);
      if (account.disabled)
        throw invalidInput(`the account ${account.email} is disabled; enable it first`);
      const { token, expiresAt } = await deps.recoveryTokens.issue({
        accountId: account.id,
        issuedBy: 'admin',
        ttlMs: ADMIN_RECOVERY_LINK_TTL_MS,
      });
      await record(actor, {
        accountId: account.id,
        detail: 'recovery link issued (valid 24 hours, one use)',
      });
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
    groupsOf,
    async anyAdmin() {
      for await (const account of accounts.all()) if (account.admin === true) return true;
      return false;
    },
  };
}
