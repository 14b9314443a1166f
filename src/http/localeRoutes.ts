import Router from '@koa/router';
import { BadRequest } from './errors.js';
import type { Catalogue } from '../i18n/catalogue.js';
import { LOCALE_COOKIE } from '../i18n/requestLocale.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A same-site path to go back to after switching; anything else becomes `/`. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  return /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : '/';
}

/**
 * The language switcher: `GET /locale/:lang?return=/path` remembers the choice in a cookie and
 * goes back to the page the person was on, now in that language. Plain links, so it works
 * without JavaScript and by keyboard.
 */
export function localeRoutes(catalogue: Catalogue, options: { secure: boolean }): Router {
  const router = new Router();
  router.get('/locale/:lang', (ctx) => {
    const lang = catalogue.locales.find((l) => l === ctx.params.lang);
    if (!lang) {
      const asked = String(ctx.params.lang).slice(0, 20);
      throw new BadRequest('unknown_locale', `There is no language "${asked}".`).withMessage(
        undefined,
        { lang: asked },
      );
    }
    ctx.cookies.set(LOCALE_COOKIE, lang, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      maxAge: YEAR_MS,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect(safeReturnPath(ctx.query.return));
  });
  return router;
}
