import type Router from '@koa/router';
import { z } from 'zod';
import { emailSchema } from '../accounts/normalizeEmail.js';
import { Forbidden } from '../http/errors.js';
import { readBody } from '../http/readBody.js';
import { authenticationContext } from '../passkeys/authenticationContext.js';
import { fakeCredentials, listedTransports } from '../passkeys/fakeCredentials.js';
import { authenticationResponseSchema } from '../passkeys/webauthnSchemas.js';
import { finishLogin } from './finishLogin.js';
import type { InteractionDeps } from './interactionDeps.js';
import { backBinding } from './backToAppRoutes.js';
import { clientName, loadInteraction, requestOrigin } from './loadInteraction.js';
import { needsDeviceBound } from './passkeyRequirement.js';

const optionsBody = z.object({ email: emailSchema.optional() }).strict();
const verifyBody = z.object({ response: authenticationResponseSchema }).strict();

/** A login_hint pre-fills the email only when it looks like one. */
function hintedEmail(hint: unknown): string {
  const parsed = emailSchema.safeParse(hint);
  return parsed.success ? parsed.data : '';
}

/**
 * The sign-in page and its two JSON calls: options (discoverable, or email-first with the
 * account's credentials or a deterministic fake list) and verify (assertion → login result).
 */
export function signInRoutes(router: Router, deps: InteractionDeps): void {
  const binding = (uid: string) => `interaction:${uid}`;

  router.get('/interaction/:uid', async (ctx, next) => {
    const details = await loadInteraction(deps.provider, ctx);
    if (details.prompt.name !== 'login') return next();
    const deviceBound = await needsDeviceBound(deps.provider, details);
    deps.renderer.page(ctx, 'signIn', {
      uid: details.uid,
      email: hintedEmail(details.params.login_hint),
      clientName: await clientName(deps.provider, details),
      deviceBound,
      ...(deviceBound ? { backCsrf: deps.csrf.token(backBinding(details.uid)) } : {}),
    });
  });

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
    const options = await deps.ceremonies.authenticationOptions({
      binding: binding(details.uid),
      ...(allow ? { allow } : {}),
    });
    // A device-bound passkey lives on a security key (or this device): say so to the browser.
    const deviceBound = await needsDeviceBound(deps.provider, details);
    ctx.body = deviceBound ? { ...options, hints: ['security-key'] } : options;
  });

  router.post('/interaction/:uid/passkey/verify', async (ctx) => {
    const details = await loadInteraction(deps.provider, ctx);
    const { response } = await readBody(ctx, 'json', verifyBody);
    await deps.limiter.hit(`ceremony:ip:${ctx.ip}`, deps.limits.ceremonyPerIp);
    const from = requestOrigin(ctx);
    const { account, credential, facts } = await deps.ceremonies.verifyAuthentication({
      binding: binding(details.uid),
      response,
      origin: from,
    });
    const clientId = String(details.params.client_id ?? '');
    if (
      authenticationContext(facts).acr !== 'phrh' &&
      (await needsDeviceBound(deps.provider, details))
    ) {
      // Refused here, on the page, so the person can try a security key instead.
      await deps.audit.record({
        type: 'signin_failed',
        accountId: account.id,
        credentialId: credential.id,
        clientId,
        detail: 'synced passkey refused: the app accepts device-bound passkeys only',
        ...from,
      });
      throw new Forbidden(
        'passkey_not_device_bound',
        `${await clientName(deps.provider, details)} accepts only a passkey that stays on one ` +
          'device, such as a security key. The passkey you used is synced between devices ' +
          '(for example through a password manager or your phone’s account), so it cannot be ' +
          'used here. Try again with a security key, or go back to the app.',
      );
    }
    await deps.audit.record({
      type: 'signin',
      accountId: account.id,
      credentialId: credential.id,
      clientId,
      ...from,
    });
    ctx.body = { redirectTo: await finishLogin(deps, ctx, details, account.id, facts) };
  });
}
