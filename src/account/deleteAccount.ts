import type { Account } from '../accounts/accountRepository.js';
import type { AccountDeps } from './accountDeps.js';
import { emailChangeBinding } from './accountProfileRoutes.js';
import { signOutEverywhere } from '../oidc/accountSessions.js';

/** What {@link deleteAccount} removed. */
export interface DeletedAccount {
  sessions: number;
  grants: number;
  passkeys: number;
  notified: number;
}

/**
 * Deletes a person for good, in an order that never leaves a usable half: first every session,
 * grant and token (with back-channel logout, so apps end their sessions too), then the account
 * (from here nobody can sign in to it, and its email is free for a new account with a new
 * `sub`), then its passkeys and per-account records (group memberships and custom claims too). The audit trail keeps only a hashed id.
 * A crash between steps leaves passkeys without an account, which the start-up sweep removes.
 */
export async function deleteAccount(
  deps: Pick<
    AccountDeps,
    | 'store'
    | 'provider'
    | 'logger'
    | 'accounts'
    | 'credentials'
    | 'audit'
    | 'devices'
    | 'signupCodes'
    | 'forgetGroups'
  >,
  account: Account,
  origin: { ip?: string; userAgent?: string },
): Promise<DeletedAccount> {
  const ended = await signOutEverywhere(deps, account.id);
  await deps.accounts.delete(account.id);
  let passkeys = 0;
  for (const c of await deps.credentials.forAccount(account.id))
    if (await deps.credentials.delete(c.id)) passkeys += 1;
  await deps.devices.deleteForAccount(account.id);
  await deps.forgetGroups(account.id);
  await deps.signupCodes.consume(emailChangeBinding(account.id));
  await deps.audit.record({ type: 'account_deleted', accountId: account.id, ...origin });
  await deps.audit.anonymize(account.id);
  return { sessions: ended.sessions, grants: ended.grants, passkeys, notified: ended.notified };
}
