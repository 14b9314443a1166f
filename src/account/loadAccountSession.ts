import type { Context } from 'koa';
import type { Account } from '../accounts/accountRepository.js';
import { Forbidden, HttpError } from '../http/errors.js';
import { ACCOUNT_CHANGE_LIMIT, type AccountDeps } from './accountDeps.js';

/** The person signed in to Sesame itself (the provider's own session), and their account. */
export interface AccountSession {
  /** The session's stable uid: CSRF tokens and re-checks are bound to it. */
  uid: string;
  loginTs?: number;
  account: Account;
  /** Per-app session ids, for back-channel logout. */
  authorizations: Record<string, { sid?: string; grantId?: string }>;
}

/** The CSRF / challenge binding of the account page for a session. */
export const accountBinding = (session: AccountSession): string => `account:${session.uid}`;

/**
 * Reads Sesame's provider session from its cookie (the current provider, per request). No
 * session, or one whose account is gone → `undefined`; a disabled account → 403.
 */
export async function loadAccountSession(
  deps: AccountDeps,
  ctx: Context,
): Promise<AccountSession | undefined> {
  const session = await deps.provider.Session.get(ctx);
  const accountId = session.accountId;
  if (!accountId) return undefined;
  const account = await deps.accounts.get(accountId);
  if (!account) return undefined;
  // The account pages speak the person's saved language (src/i18n/requestLocale.ts).
  ctx.state.accountLocale = account.locale;
  if (account.disabled) {
    throw new Forbidden(
      'account_disabled',
      'This account is disabled. Contact the people who run this service.',
    );
  }
  return {
    uid: session.uid,
    ...(session.loginTs ? { loginTs: session.loginTs } : {}),
    account,
    authorizations: (session.authorizations ?? {}) as AccountSession['authorizations'],
  };
}

/** 401 for an action without a session (the page itself redirects to sign-in instead). */
export class NotSignedIn extends HttpError {
  constructor() {
    super(401, 'login_required', 'You are signed out. Open your account page and sign in again.');
  }
}

/** 403 for a change without a recent sign-in or passkey re-check. */
export class ConfirmationRequired extends HttpError {
  constructor() {
    super(
      403,
      'confirmation_required',
      'For your safety, confirm it’s you with a passkey (“Confirm it’s you”), then try again.',
    );
  }
}

/**
 * What every change needs: a signed-in, enabled account, a CSRF token bound to the session,
 * a rate-limit allowance and a sign-in or passkey re-check within the last 10 minutes.
 */
export async function authorizeChange(
  deps: AccountDeps,
  ctx: Context,
  csrfToken: unknown,
  options: { recent?: boolean } = {},
): Promise<AccountSession> {
  const session = await loadAccountSession(deps, ctx);
  if (!session) throw new NotSignedIn();
  deps.csrf.verify(accountBinding(session), csrfToken);
  await deps.limiter.hit(`account:ip:${ctx.ip}`, deps.limits.ceremonyPerIp);
  await deps.limiter.hit(`account:change:${session.account.id}`, ACCOUNT_CHANGE_LIMIT);
  if (options.recent !== false && !(await deps.verifications.isRecent(session)))
    throw new ConfirmationRequired();
  return session;
}
