import type { Context } from 'koa';
import type { Catalogue } from './catalogue.js';
import { negotiateLocale } from './negotiateLocale.js';

/** The cookie the language switcher sets (a language tag, not a secret). */
export const LOCALE_COOKIE = 'sesame.locale';

/**
 * The language of this request's page or message: the switcher's cookie, the signed-in
 * account's saved language (`ctx.state.accountLocale`, on the account pages), the
 * interaction's `ui_locales` (put in `ctx.state.uiLocales` by the interaction loader, or
 * oidc-provider's own params), `Accept-Language`, then `DEFAULT_LOCALE`.
 */
export function requestLocale(ctx: Context, catalogue: Catalogue): string {
  const state = ctx.state as { uiLocales?: unknown; accountLocale?: unknown } | undefined;
  const oidc = (ctx as { oidc?: { params?: { ui_locales?: unknown } } }).oidc;
  const uiLocales = state?.uiLocales ?? oidc?.params?.ui_locales;
  return negotiateLocale(
    {
      chosen: ctx.cookies.get(LOCALE_COOKIE),
      saved: typeof state?.accountLocale === 'string' ? state.accountLocale : undefined,
      uiLocales: typeof uiLocales === 'string' ? uiLocales : undefined,
      acceptLanguage: ctx.get('Accept-Language'),
    },
    catalogue.locales,
    catalogue.defaultLocale,
  );
}
