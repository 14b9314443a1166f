import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { emailSchema } from '../accounts/normalizeEmail.js';
import { BadRequest, HttpError } from '../http/errors.js';
import { readBody } from '../http/readBody.js';
import { nameSchema } from '../interaction/signUpRoutes.js';
import { requestOrigin } from '../http/requestOrigin.js';
import { composeMail } from '../mail/composeMail.js';
import type { Mail } from '../mail/mailer.js';
import { DuplicateKeyError } from '../store/collection.js';
import { accountData } from './accountData.js';
import type { AccountDeps } from './accountDeps.js';
import { runChange } from './accountChange.js';
import { authorizeChange, ConfirmationRequired } from './loadAccountSession.js';

const csrfField = z.string().max(100).optional();
const nameForm = z.object({ _csrf: csrfField, name: nameSchema });
const emailForm = z.object({
  _csrf: csrfField,
  email: z.string({ message: 'errors.email_missing' }).pipe(emailSchema),
});
const codeForm = z.object({
  _csrf: csrfField,
  code: z
    .string({ message: 'errors.code_format' })
    .transform((v) => v.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'errors.code_format')),
});
const csrfOnlyForm = z.object({ _csrf: csrfField });

/** The binding of a pending email change: one per account. */
export const emailChangeBinding = (accountId: string): string => `email-change:${accountId}`;

/**
 * "Edit name", "Change email" (a code to the new address; nothing changes until it is
 * entered; the old address is told) and "Download my data".
 */
export function accountProfileRoutes(router: Router, deps: AccountDeps): void {
  const send = async (ctx: Context, mail: Mail) => {
    try {
      await deps.mailer.send(mail);
    } catch (err) {
      ctx.state.log?.error({ err }, 'account mail failed');
      throw new HttpError(
        503,
        'mail_failed',
        'We could not send the email just now. Please try again in a moment.',
      );
    }
  };
  const mail = (
    to: string,
    name: string,
    subject: string,
    model: Record<string, unknown>,
    locale?: string,
  ) =>
    composeMail(deps.renderer, {
      to,
      name,
      subject,
      rpName: deps.rpName,
      locale,
      model: { issuer: deps.issuer, rpName: deps.rpName, ...model },
    });

  router.post('/account/name', async (ctx) => {
    const form = await readBody(ctx, 'form', nameForm);
    await runChange(deps, ctx, form._csrf, async (session) => {
      const account = await deps.accounts.get(session.account.id);
      if (!account) throw new BadRequest('account_gone', 'This account no longer exists.');
      await deps.accounts.update({ ...account, name: form.name });
      await deps.audit.record({
        type: 'name_changed',
        accountId: account.id,
        ...requestOrigin(ctx),
      });
      return 'name';
    });
  });

  router.post('/account/email', async (ctx) => {
    const form = await readBody(ctx, 'form', emailForm);
    await runChange(deps, ctx, form._csrf, async ({ account }) => {
      if (form.email === account.email)
        throw new BadRequest('same_email', 'That is already your email address.');
      await deps.limiter.hit(`mail:ip:${ctx.ip}`, deps.limits.mailPerIp);
      await deps.limiter.hit(`mail:email:${form.email}`, deps.limits.mailPerEmail);
      const taken = Boolean(await deps.accounts.findByEmail(form.email));
      const code = await deps.signupCodes.issue({
        binding: emailChangeBinding(account.id),
        email: form.email,
        name: account.name,
        taken,
      });
      // An address that already has an account gets no code, only a note: the page behaves
      // the same, so nobody learns which addresses have accounts.
      await send(
        ctx,
        taken
          ? mail(
              form.email,
              'emailChangeTaken',
              'mail.emailChangeTaken.subject',
              {
                name: account.name,
              },
              account.locale,
            )
          : mail(
              form.email,
              'emailChangeCode',
              'mail.emailChangeCode.subject',
              {
                name: account.name,
                code,
              },
              account.locale,
            ),
      );
      await deps.audit.record({
        type: 'email_change_requested',
        accountId: account.id,
        ...requestOrigin(ctx),
      });
      return 'code';
    });
  });

  router.post('/account/email/confirm', async (ctx) => {
    const form = await readBody(ctx, 'form', codeForm);
    await runChange(deps, ctx, form._csrf, async ({ account }) => {
      const binding = emailChangeBinding(account.id);
      await deps.signupCodes.check(binding, form.code);
      const pending = await deps.signupCodes.consume(binding);
      if (!pending)
        throw new BadRequest(
          'code_expired',
          'This code has expired. Start again to get a new one.',
        );
      const current = await deps.accounts.get(account.id);
      if (!current) throw new BadRequest('account_gone', 'This account no longer exists.');
      try {
        await deps.accounts.update({ ...current, email: pending.email });
      } catch (err) {
        if (err instanceof DuplicateKeyError)
          throw new BadRequest('email_now_taken', 'That address is now used by another account.');
        throw err;
      }
      await deps.audit.record({
        type: 'email_changed',
        accountId: account.id,
        ...requestOrigin(ctx),
      });
      await send(
        ctx,
        mail(
          current.email,
          'emailChanged',
          'mail.emailChanged.subject',
          {
            name: current.name,
            newEmail: pending.email,
          },
          current.locale,
        ),
      );
      return 'email';
    });
  });

  router.post('/account/email/cancel', async (ctx) => {
    const form = await readBody(ctx, 'form', csrfOnlyForm);
    await runChange(deps, ctx, form._csrf, async ({ account }) => {
      await deps.signupCodes.consume(emailChangeBinding(account.id));
      return undefined;
    });
  });

  router.post('/account/data', async (ctx) => {
    const form = await readBody(ctx, 'form', csrfOnlyForm);
    let session;
    try {
      session = await authorizeChange(deps, ctx, form._csrf);
    } catch (err) {
      if (err instanceof ConfirmationRequired) {
        ctx.status = 303;
        return ctx.redirect('/account?done=confirm');
      }
      throw err;
    }
    const data = await accountData(deps, session.account);
    const day = new Date().toISOString().slice(0, 10);
    ctx.set('Content-Disposition', `attachment; filename="sesame-data-${day}.json"`);
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(data, null, 2);
  });
}
