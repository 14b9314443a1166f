import type { Context } from 'koa';
import { HttpError } from '../../http/errors.js';
import { readBody } from '../../http/readBody.js';
import { z } from 'zod';
import type { ConsoleDeps } from './consoleDeps.js';
import {
  AdminConfirmationRequired,
  authorizeAdminChange,
  type AdminSession,
} from './consoleSession.js';

const anyForm = z.record(z.string(), z.unknown());

/** Notices after a redirect, by the `done` query value (catalogue keys). */
const NOTICES: Record<string, { key: string; error?: boolean }> = {
  confirm: { key: 'admin.notice.confirm', error: true },
  confirmed: { key: 'admin.notice.confirmed' },
  saved: { key: 'admin.notice.saved' },
  deleted: { key: 'admin.notice.deleted' },
  disabled: { key: 'admin.notice.disabled' },
  enabled: { key: 'admin.notice.enabled' },
  promoted: { key: 'admin.notice.promoted' },
  demoted: { key: 'admin.notice.demoted' },
};

/** What every console page shows: the section, the CSRF tokens, the notice after a redirect. */
export function consoleModel(
  ctx: Context,
  s: AdminSession,
  section: string,
): Record<string, unknown> {
  const done = typeof ctx.query.done === 'string' ? ctx.query.done : undefined;
  return {
    section,
    groupsEnabled: true,
    csrf: s.csrf,
    confirmCsrf: s.confirmCsrf,
    recent: s.recent,
    me: s.session.account.email,
    returnTo: ctx.path,
    notice: done && Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined,
  };
}

/**
 * Runs a console change posted as a form. Without a recent passkey verification it changes
 * nothing and returns to `back` asking to confirm; a refused input (400) goes to `onInvalid`
 * (to show the form again with the message and the values kept) when given.
 */
export async function consoleChange(
  deps: ConsoleDeps,
  ctx: Context,
  back: string,
  act: (s: AdminSession, form: Record<string, unknown>) => Promise<void>,
  onInvalid?: (
    s: AdminSession,
    form: Record<string, unknown>,
    message: string,
  ) => void | Promise<void>,
): Promise<void> {
  const form = await readBody(ctx, 'form', anyForm);
  let session: AdminSession;
  try {
    session = await authorizeAdminChange(deps, ctx, form._csrf);
  } catch (err) {
    if (!(err instanceof AdminConfirmationRequired)) throw err;
    ctx.status = 303;
    return ctx.redirect(`${back}?done=confirm`);
  }
  try {
    await act(session, form);
  } catch (err) {
    if (!onInvalid || !(err instanceof HttpError) || err.status !== 400) throw err;
    const message = deps.renderer.message(
      ctx,
      `errors.${err.key ?? err.code}`,
      err.params,
      err.message,
    );
    ctx.status = 400;
    await onInvalid(session, form, message);
    ctx.status = 400;
  }
}
