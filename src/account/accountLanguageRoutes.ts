import type Router from '@koa/router';
import { z } from 'zod';
import { readBody } from '../http/readBody.js';
import { LOCALE_COOKIE } from '../i18n/requestLocale.js';
import type { AccountDeps } from './accountDeps.js';
import { authorizeChange } from './loadAccountSession.js';

const languageForm = z.object({
  _csrf: z.string().max(100).optional(),
  locale: z.string({ message: 'errors.locale_missing' }).max(35),
});

/**
 * "Language" on the account page: the person's mails (and, through the switcher cookie, this
 * browser's pages) use the language chosen here. Harmless to change, so no passkey re-check,
 * but it needs the session's CSRF token like every other form.
 */
export function accountLanguageRoutes(router: Router, deps: AccountDeps): void {
  router.post('/account/language', async (ctx) => {
    const form = await readBody(ctx, 'form', languageForm);
    const session = await authorizeChange(deps, ctx, form._csrf, { recent: false });
    const { catalogue } = deps.renderer;
    const locale = catalogue.locales.find((l) => l === form.locale);
    if (!locale) {
      ctx.status = 303;
      return ctx.redirect('/account?done=language_unknown');
    }
    await deps.accounts.update({ ...session.account, locale });
    ctx.cookies.set(LOCALE_COOKIE, locale, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.issuer.startsWith('https:'),
      maxAge: 365 * 24 * 3600 * 1000,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect('/account?done=language');
  });
}
