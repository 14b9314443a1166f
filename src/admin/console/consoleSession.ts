import type { Context } from 'koa';
import { startAccountSignIn } from '../../account/accountSignIn.js';
import {
  accountBinding,
  loadAccountSession,
  NotSignedIn,
  type AccountSession,
} from '../../account/loadAccountSession.js';
import { HttpError } from '../../http/errors.js';
import type { Actor } from '../actor.js';
import { ADMIN_RECENT_MS, CONSOLE_CHANGE_LIMIT, type ConsoleDeps } from './consoleDeps.js';

/** The signed-in administrator, what their forms carry, and whether they may change things now. */
export interface AdminSession {
  session: AccountSession;
  actor: Actor;
  /** CSRF token of the console's forms. */
  csrf: string;
  /** CSRF token of the account's "Confirm it’s you" ceremony, which the console reuses. */
  confirmCsrf: string;
  recent: boolean;
}

/** 403 for a change without a passkey verification in the last 5 minutes. */
export class AdminConfirmationRequired extends HttpError {
  constructor() {
    super(403, 'confirmation_required', 'Confirm it’s you with a passkey, then try again.');
  }
}

const binding = (s: AccountSession) => `admin:${s.uid}`;

/**
 * For a console page: the administrator, or `undefined` after answering — a redirect to
 * Sesame's own sign-in when nobody is signed in, the "No access" page (403) for anyone else.
 */
export async function loadAdminSession(
  deps: ConsoleDeps,
  ctx: Context,
): Promise<AdminSession | undefined> {
  const session = await loadAccountSession(deps, ctx);
  if (!session) {
    startAccountSignIn(deps, ctx, ctx.path);
    return undefined;
  }
  if (session.account.admin !== true) {
    ctx.status = 403;
    deps.renderer.page(ctx, 'admin/noAccess', { title: 'No access', email: session.account.email });
    ctx.status = 403;
    return undefined;
  }
  return {
    session,
    actor: { kind: 'admin', accountId: session.account.id },
    csrf: deps.csrf.token(binding(session)),
    confirmCsrf: deps.csrf.token(accountBinding(session)),
    recent: await deps.verifications.isRecent(session, ADMIN_RECENT_MS),
  };
}

/**
 * What every change needs: a signed-in administrator (403 otherwise), a CSRF token bound to
 * the session (403), a rate-limit allowance (429) and a passkey verification — the sign-in or
 * "Confirm it’s you" — within the last 5 minutes ({@link AdminConfirmationRequired}).
 */
export async function authorizeAdminChange(
  deps: ConsoleDeps,
  ctx: Context,
  csrfToken: unknown,
): Promise<AdminSession> {
  const session = await loadAccountSession(deps, ctx);
  if (!session) throw new NotSignedIn();
  if (session.account.admin !== true)
    throw new HttpError(403, 'no_access', 'Only administrators can do this.');
  deps.csrf.verify(binding(session), csrfToken);
  await deps.limiter.hit(`admin:change:${session.account.id}`, CONSOLE_CHANGE_LIMIT);
  if (!(await deps.verifications.isRecent(session, ADMIN_RECENT_MS)))
    throw new AdminConfirmationRequired();
  return {
    session,
    actor: { kind: 'admin', accountId: session.account.id },
    csrf: deps.csrf.token(binding(session)),
    confirmCsrf: deps.csrf.token(accountBinding(session)),
    recent: true,
  };
}
