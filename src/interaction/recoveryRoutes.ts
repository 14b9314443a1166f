import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { emailSchema, mailboxOf } from '../accounts/normalizeEmail.js';
import { RECOVERY_LINK_TTL_MS, recoveryUrl } from '../accounts/recoveryTokens.js';
import { readCsrfForm } from '../http/readCsrfForm.js';
import { composeMail } from '../mail/composeMail.js';
import type { InteractionDeps } from './interactionDeps.js';
import { requestOrigin } from '../http/requestOrigin.js';
import { loadLoginInteraction } from './loadInteraction.js';
import { recoveryLinkRoutes } from './recoveryLinkRoutes.js';

const requestForm = z.object({ email: emailSchema, _csrf: z.string().max(100) });

/**
 * "Lost your passkey?": the email form on the sign-in interaction and the "Check your email"
 * page, then (in {@link recoveryLinkRoutes}) the mailed link that creates a new passkey.
 *
 * No account enumeration: a known and an unknown address get the same 303 and the same page.
 * An unknown (or disabled) address gets no mail at all — there is nobody to tell, and mailing
 * strangers on request would make Sesame a spam relay. So that the mail does not show up in the
 * response time either, the response never waits for anything that depends on the account:
 * the token, the audit event and the mail happen after it (see `deps.tasks.afterResponse`), and the
 * only awaited work — CSRF, validation, both rate limits, one indexed lookup — is the same
 * on both paths.
 */
export function recoveryRoutes(router: Router, deps: InteractionDeps): void {
  const csrfBinding = (uid: string) => `interaction:${uid}`;
  const loginInteraction = (ctx: Context) => loadLoginInteraction(deps.provider, ctx);
  const renderForm = (ctx: Context, uid: string, email = '', error?: string) =>
    deps.renderer.page(ctx, 'recoveryRequest', {
      uid,
      csrf: deps.csrf.token(csrfBinding(uid)),
      email,
      error,
    });

  router.get('/interaction/:uid/recovery', async (ctx) => {
    const details = await loginInteraction(ctx);
    renderForm(ctx, details.uid);
  });

  router.post('/interaction/:uid/recovery', async (ctx) => {
    const details = await loginInteraction(ctx);
    const raw = await readCsrfForm(ctx, deps.csrf, csrfBinding(details.uid));
    const parsed = requestForm.safeParse(raw);
    if (!parsed.success) {
      ctx.status = 400;
      const typed = String(raw.email ?? '').slice(0, 254);
      return renderForm(ctx, details.uid, typed, parsed.error.issues[0]?.message);
    }
    const { email } = parsed.data;
    await deps.limiter.hit(`mail:ip:${ctx.ip}`, deps.limits.mailPerIp);
    // Plus-addressed variants reach one mailbox: they share its allowance.
    await deps.limiter.hit(`mail:mailbox:${mailboxOf(email)}`, deps.limits.mailPerEmail);
    const account = await deps.accounts.findByEmail(email);
    if (account && !account.disabled) {
      const from = requestOrigin(ctx);
      const clientId = String(details.params.client_id ?? '');
      const uid = details.uid;
      deps.tasks.afterResponse(ctx, 'recovery mail', async () => {
        const { token } = await deps.recoveryTokens.issue({
          accountId: account.id,
          issuedBy: 'self',
          ttlMs: RECOVERY_LINK_TTL_MS,
          interactionUid: uid,
        });
        await deps.audit.record({
          type: 'recovery_requested',
          accountId: account.id,
          clientId,
          ...from,
        });
        await deps.mailer.send(
          composeMail(deps.renderer, {
            to: account.email,
            name: 'recoveryLink',
            subject: 'mail.recoveryLink.subject',
            rpName: deps.rpName,
            locale: account.locale,
            model: {
              name: account.name,
              link: recoveryUrl(deps.issuer, token),
              issuer: deps.issuer,
              rpName: deps.rpName,
            },
          }),
        );
      });
    }
    ctx.status = 303;
    ctx.redirect(`/interaction/${details.uid}/recovery/sent`);
  });

  router.get('/interaction/:uid/recovery/sent', async (ctx) => {
    const details = await loginInteraction(ctx);
    deps.renderer.page(ctx, 'recoverySent', { uid: details.uid });
  });

  recoveryLinkRoutes(router, deps);
}
