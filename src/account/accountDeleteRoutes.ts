import type Router from '@koa/router';
import { z } from 'zod';
import { emailSchema } from '../accounts/normalizeEmail.js';
import { BadRequest } from '../http/errors.js';
import { readBody } from '../http/readBody.js';
import { requestOrigin } from '../http/requestOrigin.js';
import { composeMail } from '../mail/composeMail.js';
import { listedTransports } from '../passkeys/listedTransports.js';
import { authenticationResponseSchema } from '../passkeys/webauthnSchemas.js';
import type { AccountDeps } from './accountDeps.js';
import { deleteAccount } from './deleteAccount.js';
import { authorizeChange, type AccountSession } from './loadAccountSession.js';

const confirmEmail = z
  .string({ message: 'errors.email_missing' })
  .max(300)
  .transform((v) => v.trim().toLowerCase())
  .pipe(emailSchema);
const optionsBody = z.object({ _csrf: z.string().max(100), email: confirmEmail }).strict();
const verifyBody = z
  .object({
    _csrf: z.string().max(100),
    email: confirmEmail,
    response: authenticationResponseSchema,
  })
  .strict();

const deleteBinding = (session: AccountSession) => `account-delete:${session.uid}`;

function checkTyped(session: AccountSession, typed: string): void {
  if (typed !== session.account.email)
    throw new BadRequest(
      'email_mismatch',
      'That is not your email address. Type it exactly as shown at the top of the page.',
    );
}

/**
 * "Delete account": the typed email must match, then a passkey of this account confirms
 * (a ceremony bound to the session and to deletion, so a re-check for anything else cannot be
 * replayed here). Ends at the goodbye page; a goodbye mail follows the response.
 */
export function accountDeleteRoutes(router: Router, deps: AccountDeps): void {
  router.post('/account/delete/options', async (ctx) => {
    const body = await readBody(ctx, 'json', optionsBody);
    const session = await authorizeChange(deps, ctx, body._csrf, { recent: false });
    checkTyped(session, body.email);
    const credentials = await deps.credentials.forAccount(session.account.id);
    ctx.body = await deps.ceremonies.authenticationOptions({
      binding: deleteBinding(session),
      allow: {
        accountId: session.account.id,
        credentials: credentials.map((c) => ({
          id: c.id,
          transports: listedTransports(c.transports),
        })),
      },
    });
  });

  router.post('/account/delete/verify', async (ctx) => {
    const body = await readBody(ctx, 'json', verifyBody);
    const session = await authorizeChange(deps, ctx, body._csrf, { recent: false });
    checkTyped(session, body.email);
    await deps.ceremonies.verifyAuthentication({
      binding: deleteBinding(session),
      response: body.response,
      origin: requestOrigin(ctx),
    });
    const { account } = session;
    const log = ctx.state.log ?? deps.logger;
    const removed = await deleteAccount({ ...deps, logger: log }, account, requestOrigin(ctx));
    log.info({ ...removed }, 'account deleted');
    deps.tasks.afterResponse(ctx, 'goodbye mail', () =>
      deps.mailer.send(
        composeMail(deps.renderer, {
          to: account.email,
          name: 'accountDeleted',
          subject: 'mail.accountDeleted.subject',
          rpName: deps.rpName,
          locale: account.locale,
          model: { name: account.name, issuer: deps.issuer, rpName: deps.rpName },
        }),
      ),
    );
    ctx.body = { redirectTo: '/goodbye' };
  });
}
