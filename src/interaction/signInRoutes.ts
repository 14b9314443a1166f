import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { emailSchema } from '../accounts/normalizeEmail.js';
import { readBody } from '../http/readBody.js';
import { fakeCredentials } from '../passkeys/fakeCredentials.js';
import { listedTransports } from '../passkeys/listedTransports.js';
import { authenticationResponseSchema } from '../passkeys/webauthnSchemas.js';
import { finishLogin } from './finishLogin.js';
import type { InteractionDeps } from './interactionDeps.js';
import { clientDisplay } from '../http/clientName.js';
import { requestOrigin } from '../http/requestOrigin.js';
import { loadInteraction, type InteractionDetails } from './loadInteraction.js';

const optionsBody = z.object({ email: emailSchema.optional() }).strict();
const verifyBody = z.object({ response: authenticationResponseSchema }).strict();

/** A login_hint pre-fills the email only when it looks like one. */
function hintedEmail(hint: unknown): string {
  const parsed = emailSchema.safeParse(hint);
  return parsed.success ? parsed.data : '';
}

/** Renders the sign-in page for an interaction at the login prompt. */
export async function signInPage(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
): Promise<void> {
  deps.renderer.page(ctx, 'signIn', {
    uid: details.uid,
    email: hintedEmail(details.params.login_hint),
    ...(await clientDisplay(deps.provider, details)),
  });
}

/**
 * The sign-in page's two JSON calls: options (discoverable, or email-first with the account's
 * credentials or a deterministic fake list) and verify (assertion → login result).
 */
export function signInRoutes(router: Router, deps: InteractionDeps): void {
  const binding = (uid: string) => `interaction:${uid}`;

  router.post('/interaction/:uid/passkey/options', async (ctx) => {
    const details = await loadInteraction(deps.provider, ctx);
    const { email } = await readBody(ctx, 'json', optionsBody);
    await deps.limiter.hit(`ceremony:ip:${ctx.ip}`, deps.limits.ceremonyPerIp);
    if (email !== undefined)
      await deps.limiter.hit(`signin:email:${email}`, deps.limits.signInPerEmail);
    let allow;
    if (email !== undefined) {
      const account = await deps.accounts.findByEmail(email);
      const active = account && !account.disabled ? account : undefined;
      // An unknown or disabled address is looked up too (with an id no account has), so both
      // paths do the same store work and take the same time.
      const credentials = await deps.credentials.forAccount(active?.id ?? '');
      allow =
        active && credentials.length > 0
          ? {
              accountId: active.id,
              credentials: credentials.map((c) => ({
                id: c.id,
                transports: listedTransports(c.transports),
              })),
            }
          : { credentials: fakeCredentials(deps.fakeSecret, email) };
    }
    ctx.body = await deps.ceremonies.authenticationOptions({
      binding: binding(details.uid),
      ...(allow ? { allow } : {}),
    });
  });

  router.post('/interaction/:uid/passkey/verify', async (ctx) => {
    const details = await loadInteraction(deps.provider, ctx);
    if (details.result?.login) {
      // A second ceremony on the same page (autofill and the button) finished after the
      // first: nobody is signed in twice, and the page is told where the first one continues.
      ctx.status = 409;
      ctx.body = {
        error: 'already_signed_in',
        error_description: deps.renderer.message(ctx, 'errors.already_signed_in'),
        redirectTo: details.returnTo,
      };
      return;
    }
    const { response } = await readBody(ctx, 'json', verifyBody);
    await deps.limiter.hit(`ceremony:ip:${ctx.ip}`, deps.limits.ceremonyPerIp);
    const from = requestOrigin(ctx);
    const { account, credential, facts } = await deps.ceremonies.verifyAuthentication({
      binding: binding(details.uid),
      response,
      origin: from,
    });
    await deps.audit.record({
      type: 'signin',
      accountId: account.id,
      credentialId: credential.id,
      clientId: String(details.params.client_id ?? ''),
      ...from,
    });
    ctx.body = { redirectTo: await finishLogin(deps, ctx, details, account.id, facts) };
  });
}
