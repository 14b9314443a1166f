import type { Context } from 'koa';
import { wantsJson } from '../http/errorHandler.js';
import type { AccountDeps } from './accountDeps.js';
import {
  authorizeChange,
  ConfirmationRequired,
  type AccountSession,
} from './loadAccountSession.js';

/** Messages (catalogue keys) the account page shows after a change, by the `done` value. */
export const NOTICES = {
  renamed: { key: 'account.notice.renamed' },
  deleted: { key: 'account.notice.deleted' },
  added: { key: 'account.notice.added' },
  revoked: { key: 'account.notice.revoked' },
  confirmed: { key: 'account.notice.confirmed' },
  confirm: { key: 'account.notice.confirm', error: true },
  name: { key: 'account.notice.name' },
  code: { key: 'account.notice.code' },
  email: { key: 'account.notice.email' },
  session: { key: 'account.notice.session' },
  language: { key: 'account.notice.language' },
  language_unknown: { key: 'account.notice.languageUnknown', error: true },
} satisfies Record<string, { key: string; error?: boolean }>;

/** A notice key of {@link NOTICES}. */
export type Notice = keyof typeof NOTICES;

/**
 * After a change: a 303 back to `to` (the account page with an optional notice) for a form
 * post, or `{ redirectTo }` for the page's script, which submits forms with fetch so a refused
 * change keeps what was typed.
 */
export function finishChange(ctx: Context, notice?: Notice, to = '/account'): void {
  const url = notice ? `${to}?done=${notice}` : to;
  if (wantsJson(ctx)) {
    ctx.body = { redirectTo: url };
    return;
  }
  ctx.status = 303;
  ctx.redirect(url);
}

/**
 * Runs a form change. Without a recent sign-in, a plain form post returns to the page asking
 * for a passkey re-check; a scripted one gets 403 `confirmation_required`, so the page can
 * confirm in place and send the same form again.
 */
export async function runChange(
  deps: AccountDeps,
  ctx: Context,
  token: unknown,
  act: (session: AccountSession) => Promise<Notice | { to: string; notice?: Notice } | undefined>,
): Promise<void> {
  let session: AccountSession;
  try {
    session = await authorizeChange(deps, ctx, token);
  } catch (err) {
    if (err instanceof ConfirmationRequired && !wantsJson(ctx)) return finishChange(ctx, 'confirm');
    throw err;
  }
  const result = await act(session);
  if (typeof result === 'object') return finishChange(ctx, result.notice, result.to);
  finishChange(ctx, result);
}
