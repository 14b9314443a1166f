import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { emailSchema, mailboxOf } from '../accounts/normalizeEmail.js';
import { newAccountId, type Account } from '../accounts/accountRepository.js';
import { nameField } from '../accounts/cleanName.js';
import { BadRequest, HttpError } from '../http/errors.js';
import { readBody } from '../http/readBody.js';
import { readCsrfForm } from '../http/readCsrfForm.js';
import { composeMail } from '../mail/composeMail.js';
import { registrationResponseSchema } from '../passkeys/webauthnSchemas.js';
import { DuplicateKeyError } from '../store/collection.js';
import { finishLogin } from './finishLogin.js';
import type { InteractionDeps } from './interactionDeps.js';
import { requestOrigin } from '../http/requestOrigin.js';
import { loadLoginInteraction } from './loadInteraction.js';

/** A display name: cleaned of invisible characters (cleanName), 1–100 characters. */
export const nameSchema = nameField(
  { empty: 'errors.name_missing', tooLong: 'errors.name_too_long', control: 'errors.name_control' },
  100,
);

const startForm = z.object({ email: emailSchema, name: nameSchema, _csrf: z.string().max(100) });
const optionsBody = z.object({ code: z.string().regex(/^\d{6}$/, 'errors.code_format') }).strict();
const verifyBody = z.object({ response: registrationResponseSchema }).strict();

/**
 * Sign-up: email and name → a 6-digit code by mail (or, for a taken address, a mail saying so
 * and no code, with identical pages) → "Create passkey" verifies the code and registers the
 * passkey → the account exists only once both the code and the passkey check out.
 */
export function signUpRoutes(router: Router, deps: InteractionDeps): void {
  const binding = (uid: string) => `interaction:${uid}`;
  const loginInteraction = (ctx: Context) => loadLoginInteraction(deps.provider, ctx);
  const renderStart = (
    ctx: Context,
    uid: string,
    values: { email?: string; name?: string },
    /** A catalogue key (`errors.email_invalid`): the schemas' messages are keys. */
    error?: string,
  ) =>
    deps.renderer.page(ctx, 'signUp', {
      uid,
      csrf: deps.csrf.token(binding(uid)),
      ...values,
      error,
    });

  router.get('/interaction/:uid/signup', async (ctx) => {
    const details = await loginInteraction(ctx);
    renderStart(ctx, details.uid, {});
  });

  router.post('/interaction/:uid/signup', async (ctx) => {
    const details = await loginInteraction(ctx);
    const raw = await readCsrfForm(ctx, deps.csrf, binding(details.uid));
    const parsed = startForm.safeParse(raw);
    if (!parsed.success) {
      ctx.status = 400;
      const values = {
        email: String(raw.email ?? '').slice(0, 254),
        name: String(raw.name ?? '').slice(0, 100),
      };
      return renderStart(ctx, details.uid, values, parsed.error.issues[0]?.message);
    }
    const { email, name } = parsed.data;
    await deps.limiter.hit(`mail:ip:${ctx.ip}`, deps.limits.mailPerIp);
    // Plus-addressed variants reach one mailbox: they share its allowance.
    await deps.limiter.hit(`mail:mailbox:${mailboxOf(email)}`, deps.limits.mailPerEmail);
    const existing = await deps.accounts.findByEmail(email);
    const taken = existing ? { locale: existing.locale } : undefined;
    const code = await deps.signupCodes.issue({
      binding: binding(details.uid),
      email,
      name,
      taken: Boolean(taken),
    });
    // The address has proven nothing yet: the mail carries no word the form's sender chose.
    // A taken address gets its account's language; a new one the language signing up in.
    const model = { code, issuer: deps.issuer, rpName: deps.rpName };
    const mail = taken
      ? composeMail(deps.renderer, {
          to: email,
          name: 'signupExisting',
          subject: 'mail.signupExisting.subject',
          rpName: deps.rpName,
          locale: taken.locale,
          model: { ...model, code: undefined },
        })
      : composeMail(deps.renderer, {
          to: email,
          name: 'signupCode',
          subject: 'mail.signupCode.subject',
          rpName: deps.rpName,
          locale: deps.renderer.localeOf(ctx),
          model,
        });
    try {
      await deps.mailer.send(mail);
    } catch (err) {
      ctx.state.log?.error({ err }, 'sign-up mail failed');
      throw new HttpError(
        503,
        'mail_failed',
        'We could not send the email just now. Please try again in a moment.',
      );
    }
    ctx.status = 303;
    ctx.redirect(`/interaction/${details.uid}/signup/code`);
  });

  router.get('/interaction/:uid/signup/code', async (ctx) => {
    const details = await loginInteraction(ctx);
    const pending = await deps.signupCodes.pending(binding(details.uid));
    if (!pending) {
      ctx.status = 303;
      return ctx.redirect(`/interaction/${details.uid}/signup`);
    }
    deps.renderer.page(ctx, 'signUpCode', { uid: details.uid, email: pending.email });
  });

  router.post('/interaction/:uid/signup/options', async (ctx) => {
    const details = await loginInteraction(ctx);
    const { code } = await readBody(ctx, 'json', optionsBody);
    await deps.limiter.hit(`code:ip:${ctx.ip}`, deps.limits.codePerIp);
    const pending = await deps.signupCodes.check(binding(details.uid), code);
    const user = { accountId: newAccountId(), email: pending.email, name: pending.name };
    ctx.body = await deps.ceremonies.registrationOptions({
      binding: binding(details.uid),
      user,
      exclude: [],
      pending: user,
    });
  });

  router.post('/interaction/:uid/signup/verify', async (ctx) => {
    const details = await loginInteraction(ctx);
    const { response } = await readBody(ctx, 'json', verifyBody);
    await deps.limiter.hit(`ceremony:ip:${ctx.ip}`, deps.limits.ceremonyPerIp);
    const { challenge, credential, facts } = await deps.ceremonies.verifyRegistration({
      binding: binding(details.uid),
      response,
    });
    const pending = challenge.pending;
    const signup = pending ? await deps.signupCodes.consume(binding(details.uid)) : undefined;
    if (!pending || !signup || signup.taken || signup.email !== pending.email) {
      throw new BadRequest(
        'code_expired',
        'This sign-up has expired or was already used. Start again to get a new code.',
      ).withMessage('signup_expired');
    }
    const account: Account = {
      id: pending.accountId,
      email: pending.email,
      name: pending.name,
      emailVerified: true,
      createdAt: Date.now(),
      locale: deps.renderer.localeOf(ctx),
    };
    // The credential goes in first (its id must be unique across accounts), the account second;
    // if the account cannot be created the credential is removed, so nothing is left half-made.
    try {
      await deps.credentials.insert({ ...credential, accountId: account.id });
    } catch (err) {
      if (err instanceof DuplicateKeyError) {
        throw new BadRequest(
          'passkey_exists',
          'This passkey is already registered. Sign in with it instead.',
        ).withMessage('passkey_exists_sign_in');
      }
      throw err;
    }
    try {
      await deps.accounts.insert(account);
    } catch (err) {
      await deps.credentials.delete(credential.id);
      if (err instanceof DuplicateKeyError) {
        throw new BadRequest(
          'email_taken',
          'An account with this email already exists. Sign in instead.',
        );
      }
      throw err;
    }
    const from = requestOrigin(ctx);
    const clientId = String(details.params.client_id ?? '');
    await deps.audit.record({ type: 'signup', accountId: account.id, clientId, ...from });
    await deps.audit.record({
      type: 'passkey_added',
      accountId: account.id,
      credentialId: credential.id,
      clientId,
      ...from,
    });
    ctx.body = { redirectTo: await finishLogin(deps, ctx, details, account.id, facts) };
  });
}
