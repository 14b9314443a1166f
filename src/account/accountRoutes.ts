import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { nameField } from '../accounts/cleanName.js';
import { NotFound, BadRequest } from '../http/errors.js';
import { readBody } from '../http/readBody.js';
import { requestOrigin } from '../http/requestOrigin.js';
import { revokeApp, signOutEverywhere } from '../oidc/accountSessions.js';
import type { AccountDeps } from './accountDeps.js';
import { accountPageModel } from './accountPageModel.js';
import { accountSignals } from './accountSignals.js';
import { startAccountSignIn } from './accountSignIn.js';
import { emailChangeBinding } from './accountProfileRoutes.js';
import { NOTICES, runChange, type Notice } from './accountChange.js';
import { signOutSession } from './accountSessions.js';
import { accountBinding, loadAccountSession, type AccountSession } from './loadAccountSession.js';

const csrfField = z.string().max(100).optional();
/** A passkey's name: cleaned of invisible characters (cleanName), 1–64 characters. */
export const passkeyNameSchema = nameField(
  {
    empty: 'errors.passkey_name_missing',
    tooLong: 'errors.passkey_name_too_long',
    control: 'errors.passkey_name_control',
  },
  64,
);
const credentialIdParam = z
  .string()
  .min(1)
  .max(1364)
  .regex(/^[A-Za-z0-9_-]+$/, 'That passkey id is not valid.');
const renameForm = z.object({ _csrf: csrfField, name: passkeyNameSchema });
const csrfOnlyForm = z.object({ _csrf: csrfField });
const revokeForm = z.object({
  _csrf: csrfField,
  client_id: z
    .string({ message: 'errors.app_missing' })
    .min(1)
    .max(200)
    .regex(/^[\w.~:/-]+$/, 'That app id is not valid.'),
});

/**
 * The account page and its forms (rename, delete, revoke, sign out everywhere). A form posted
 * without a recent sign-in returns to the page asking for a passkey re-check.
 */
export function accountRoutes(router: Router, deps: AccountDeps): void {
  const change = (ctx: Context, token: unknown, act: Parameters<typeof runChange>[3]) =>
    runChange(deps, ctx, token, act);
  const ownPasskey = async (session: AccountSession, id: string) => {
    const credential = await deps.credentials.get(id);
    if (!credential || credential.accountId !== session.account.id)
      throw new NotFound('unknown_passkey', 'That passkey is not on your account.').withMessage(
        'not_your_passkey',
      );
    return credential;
  };

  router.get('/account', async (ctx) => {
    const session = await loadAccountSession(deps, ctx);
    if (!session) return startAccountSignIn(deps, ctx);
    // A session that signed in without finishing at an app has no browser on record yet.
    if (!(await deps.devices.get(session.uid)))
      await deps.devices.record({
        id: session.uid,
        accountId: session.account.id,
        ...requestOrigin(ctx),
        at: (session.loginTs ?? Math.floor(Date.now() / 1000)) * 1000,
        expiresAt: Date.now() + 14 * 86_400_000,
      });
    const recent = await deps.verifications.isRecent(session);
    const key = typeof ctx.query.done === 'string' ? ctx.query.done : '';
    const done = key in NOTICES ? NOTICES[key as Notice] : undefined;
    deps.renderer.page(ctx, 'account', {
      ...(await accountPageModel(deps, session, recent, (key, params) =>
        deps.renderer.message(ctx, key, params),
      )),
      csrf: deps.csrf.token(accountBinding(session)),
      notice: done,
      signals: JSON.stringify(await accountSignals(deps, session.account)),
      emailPending: (await deps.signupCodes.pending(emailChangeBinding(session.account.id)))?.email,
      accountLocale: session.account.locale ?? deps.renderer.catalogue.defaultLocale,
    });
  });

  router.post('/account/passkeys/:id/rename', async (ctx) => {
    const id = credentialIdParam.safeParse(ctx.params.id);
    const form = await readBody(ctx, 'form', renameForm);
    if (!id.success)
      throw new NotFound('unknown_passkey', 'That passkey is not on your account.').withMessage(
        'not_your_passkey',
      );
    await change(ctx, form._csrf, async (session) => {
      const credential = await ownPasskey(session, id.data);
      // A rename racing the passkey's deletion must not bring it back.
      if (!(await deps.credentials.rename(credential.id, form.name)))
        throw new NotFound('unknown_passkey', 'That passkey is not on your account.').withMessage(
          'not_your_passkey',
        );
      await deps.audit.record({
        type: 'passkey_renamed',
        accountId: session.account.id,
        credentialId: credential.id,
        ...requestOrigin(ctx),
      });
      return 'renamed';
    });
  });

  router.post('/account/passkeys/:id/delete', async (ctx) => {
    const id = credentialIdParam.safeParse(ctx.params.id);
    const form = await readBody(ctx, 'form', csrfOnlyForm);
    if (!id.success)
      throw new NotFound('unknown_passkey', 'That passkey is not on your account.').withMessage(
        'not_your_passkey',
      );
    await change(ctx, form._csrf, async (session) => {
      const credential = await ownPasskey(session, id.data);
      const lastOne = () =>
        new BadRequest(
          'last_passkey',
          'You cannot delete your only passkey: you would have no way to sign in. Add another passkey first.',
        );
      if ((await deps.credentials.forAccount(session.account.id)).length <= 1) throw lastOne();
      await deps.credentials.delete(credential.id);
      // Two deletes racing could each see two passkeys; put this one back if none is left.
      if ((await deps.credentials.forAccount(session.account.id)).length === 0) {
        await deps.credentials.insert(credential);
        throw lastOne();
      }
      await deps.audit.record({
        type: 'passkey_removed',
        accountId: session.account.id,
        credentialId: credential.id,
        detail: credential.name,
        ...requestOrigin(ctx),
      });
      return 'deleted';
    });
  });

  router.post('/account/apps/revoke', async (ctx) => {
    const form = await readBody(ctx, 'form', revokeForm);
    await change(ctx, form._csrf, async (session) => {
      const revoked = await revokeApp(deps.store, session.account.id, form.client_id);
      if (revoked === 0)
        throw new NotFound('unknown_app', 'That app is not connected to your account.');
      await deps.audit.record({
        type: 'app_revoked',
        accountId: session.account.id,
        clientId: form.client_id,
        ...requestOrigin(ctx),
      });
      return 'revoked';
    });
  });

  router.post('/account/sign-out-everywhere', async (ctx) => {
    const form = await readBody(ctx, 'form', csrfOnlyForm);
    await change(ctx, form._csrf, async (session) => {
      const log = ctx.state.log ?? deps.logger;
      const ended = await signOutEverywhere(
        { store: deps.store, provider: deps.provider, logger: log },
        session.account.id,
      );
      await deps.audit.record({
        type: 'signed_out_everywhere',
        accountId: session.account.id,
        detail: `ended ${ended.sessions} session(s) and ${ended.grants} grant(s); notified ${ended.notified} app(s)`,
        ...requestOrigin(ctx),
      });
      return { to: '/signed-out' };
    });
  });

  router.post('/account/sessions/:uid/sign-out', async (ctx) => {
    const uid = sessionUidParam.safeParse(ctx.params.uid);
    const form = await readBody(ctx, 'form', csrfOnlyForm);
    if (!uid.success) throw unknownSession();
    await change(ctx, form._csrf, async (session) => {
      const log = ctx.state.log ?? deps.logger;
      if (!(await signOutSession({ ...deps, logger: log }, session.account.id, uid.data)))
        throw unknownSession();
      await deps.audit.record({
        type: 'session_signed_out',
        accountId: session.account.id,
        ...requestOrigin(ctx),
      });
      return uid.data === session.uid ? { to: '/signed-out' } : 'session';
    });
  });
}

const sessionUidParam = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/);
const unknownSession = () =>
  new NotFound(
    'unknown_session',
    'That browser is already signed out. Reload the page to see the list.',
  );
