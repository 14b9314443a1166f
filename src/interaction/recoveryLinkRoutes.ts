import type Router from '@koa/router';
import type { Logger } from '../log/createLogger.js';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Account } from '../accounts/accountRepository.js';
import {
  recoveryTokenHash,
  recoveryTokenSchema,
  type RecoveryToken,
} from '../accounts/recoveryTokens.js';
import { BadRequest } from '../http/errors.js';
import { readBody } from '../http/readBody.js';
import { describeUserAgent } from '../http/describeUserAgent.js';
import { composeMail } from '../mail/composeMail.js';
import { registrationResponseSchema } from '../passkeys/webauthnSchemas.js';
import { DuplicateKeyError } from '../store/collection.js';
import { finishLogin } from './finishLogin.js';
import type { InteractionDeps } from './interactionDeps.js';
import { requestOrigin } from '../http/requestOrigin.js';
import { loadInteraction, type InteractionDetails } from './loadInteraction.js';

const linkQuery = z.object({ token: recoveryTokenSchema });
const optionsBody = z.object({ token: recoveryTokenSchema }).strict();
const verifyBody = z
  .object({ token: recoveryTokenSchema, response: registrationResponseSchema })
  .strict();

/** Where the page continues when this browser has no sign-in to finish. */
export const RECOVERY_DONE_PATH = '/recovery/done';

const linkExpired = () =>
  new BadRequest(
    'link_expired',
    'This recovery link has expired or was already used. Ask for a new one with “Lost your passkey?” on the sign-in page.',
  );

/**
 * The mailed (or operator-issued) recovery link: `GET /recovery?token=…` shows "Create passkey";
 * options and verify run a registration ceremony for the token's account, with the challenge
 * bound to the token's hash and the account's passkeys excluded.
 *
 * The token is spent only by a verified registration — atomically, so of two concurrent
 * verifies exactly one adds a passkey. Opening the link, even many times (mail scanners fetch
 * links), and asking for options leave it intact. Afterwards the browser that asked for the link
 * is signed in to the app it came from, when it still holds that interaction; any other browser
 * is told to go back to the app and sign in with the new passkey.
 */
export function recoveryLinkRoutes(router: Router, deps: InteractionDeps): void {
  const binding = (token: string) => `recovery:${recoveryTokenHash(token)}`;

  /** The token's document and its account, if the link still works (a disabled account's does not). */
  const usable = async (
    token: string,
  ): Promise<{ doc: RecoveryToken; account: Account } | undefined> => {
    const doc = await deps.recoveryTokens.find(token);
    const account = doc ? await deps.accounts.get(doc.accountId) : undefined;
    return doc && account && !account.disabled ? { doc, account } : undefined;
  };

  router.get('/recovery', async (ctx) => {
    const parsed = linkQuery.safeParse(ctx.query);
    const found = parsed.success ? await usable(parsed.data.token) : undefined;
    if (!parsed.success || !found) {
      deps.renderer.page(ctx, 'recoveryExpired');
      ctx.status = parsed.success ? 410 : 400;
      return;
    }
    const uid = found.doc.interactionUid;
    deps.renderer.page(ctx, 'recoveryLink', {
      email: found.account.email,
      token: parsed.data.token,
      verifyPath: uid ? `/interaction/${uid}/recovery/verify` : '/recovery/verify',
    });
  });

  router.post('/recovery/options', async (ctx) => {
    const { token } = await readBody(ctx, 'json', optionsBody);
    await deps.limiter.hit(`ceremony:ip:${ctx.ip}`, deps.limits.ceremonyPerIp);
    const found = await usable(token);
    if (!found) throw linkExpired();
    const { account } = found;
    ctx.body = await deps.ceremonies.registrationOptions({
      binding: binding(token),
      user: { accountId: account.id, email: account.email, name: account.name },
      exclude: await deps.credentials.forAccount(account.id),
    });
  });

  const verify = async (ctx: Context) => {
    const { token, response } = await readBody(ctx, 'json', verifyBody);
    await deps.limiter.hit(`ceremony:ip:${ctx.ip}`, deps.limits.ceremonyPerIp);
    const { challenge, credential, facts } = await deps.ceremonies.verifyRegistration({
      binding: binding(token),
      response,
    });
    // The one point where the link is spent: after a verified registration, atomically.
    const doc = await deps.recoveryTokens.consume(token);
    if (!doc || challenge.accountId !== doc.accountId) throw linkExpired();
    const account = await deps.accounts.get(doc.accountId);
    if (!account || account.disabled) throw linkExpired();
    try {
      await deps.credentials.insert({ ...credential, accountId: account.id });
    } catch (err) {
      // The passkey was not stored, so the link has not been used: put it back.
      await deps.recoveryTokens
        .restore(doc)
        .catch((restoreErr: unknown) =>
          (ctx.state.log as Logger | undefined)?.error(
            { err: restoreErr },
            'could not put back a recovery link after its passkey was not stored',
          ),
        );
      if (err instanceof DuplicateKeyError) {
        throw new BadRequest(
          'passkey_exists',
          'This passkey is already registered. Use another device or passkey provider.',
        ).withMessage('passkey_exists_other_device');
      }
      throw err;
    }
    // The link did its work: any other link of the account still around stops working too.
    await deps.recoveryTokens.revokeAll(account.id);

    const from = requestOrigin(ctx);
    const details = await resumableInteraction(ctx, doc);
    const clientId = details ? String(details.params.client_id ?? '') : undefined;
    const how = doc.issuedBy === 'admin' ? 'link issued by an administrator' : 'emailed link';
    await deps.audit.record({
      type: 'recovery_used',
      accountId: account.id,
      credentialId: credential.id,
      clientId,
      detail: how,
      ...from,
    });
    await deps.audit.record({
      type: 'passkey_added',
      accountId: account.id,
      credentialId: credential.id,
      clientId,
      detail: `by recovery (${how})`,
      ...from,
    });
    const at = Date.now();
    deps.tasks.afterResponse(ctx, 'recovery notice mail', () =>
      deps.mailer.send(
        composeMail(deps.renderer, {
          to: account.email,
          name: 'recoveryUsed',
          subject: 'mail.recoveryUsed.subject',
          rpName: deps.rpName,
          locale: account.locale,
          model: {
            name: account.name,
            when: new Date(at).toISOString(),
            // Sesame's own words for the browser, never the User-Agent text it was sent.
            browser: describeUserAgent(from.userAgent),
            ip: from.ip,
            issuer: deps.issuer,
            rpName: deps.rpName,
          },
        }),
      ),
    );

    if (!details) {
      ctx.body = { redirectTo: RECOVERY_DONE_PATH };
      return;
    }
    await deps.audit.record({
      type: 'signin',
      accountId: account.id,
      credentialId: credential.id,
      clientId,
      detail: 'with a passkey created by recovery',
      ...from,
    });
    ctx.body = { redirectTo: await finishLogin(deps, ctx, details, account.id, facts) };
  };

  /**
   * The sign-in this browser can finish: the interaction the link was requested from, if the
   * request names it and this browser still holds its (unexpired) cookie.
   */
  const resumableInteraction = async (
    ctx: Context,
    doc: RecoveryToken,
  ): Promise<InteractionDetails | undefined> => {
    if (!ctx.params.uid || ctx.params.uid !== doc.interactionUid) return undefined;
    try {
      const details = await loadInteraction(deps.provider, ctx);
      return details.prompt.name === 'login' ? details : undefined;
    } catch (err) {
      // The link still works without the sign-in it came from; say why it was not resumed.
      (ctx.state.log as Logger | undefined)?.info({ err }, 'recovery: sign-in not resumable');
      return undefined;
    }
  };

  router.post('/recovery/verify', verify);
  router.post('/interaction/:uid/recovery/verify', verify);

  router.get(RECOVERY_DONE_PATH, (ctx) => {
    deps.renderer.page(ctx, 'recoveryDone');
  });
}
