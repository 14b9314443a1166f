import path from 'node:path';
import type { Context } from 'koa';
import nunjucks from 'nunjucks';
import { textOn } from '../config/brandConfig.js';
import type { Config } from '../config/config.js';
import { loadCatalogue, type Catalogue, type MessageParams } from '../i18n/catalogue.js';
import { requestLocale } from '../i18n/requestLocale.js';
import { ROOT_DIR } from '../config/paths.js';

/** Renders nunjucks pages (autoescape on) with the values every page needs. */
export interface Renderer {
  /** Renders `views/<name>.njk` into the response as HTML, in the request's language. */
  page(ctx: Context, name: string, model?: Record<string, unknown>): void;
  /**
   * Renders any template to a string (used for mail) in `model.locale` (default: the default
   * language). `.txt.njk` templates are plain text: nothing in them is HTML-escaped.
   */
  render(name: string, model: Record<string, unknown>): string;
  /**
   * One catalogue message as plain text in the request's language (`fallback`, else the key,
   * when the catalogue has no such message) — for error descriptions and JSON answers.
   */
  message(ctx: Context, key: string, params?: MessageParams, fallback?: string): string;
  /** The request's language (switcher cookie, ui_locales, Accept-Language, default). */
  localeOf(ctx: Context): string;
  /** The message catalogue pages and mails read from. */
  readonly catalogue: Catalogue;
}

/** The operator's brand as pages and mails show it. */
export interface Brand {
  name: string;
  logoUrl?: string | undefined;
  /** The logo as an absolute URL, for mails. */
  mailLogoUrl?: string | undefined;
  /** Accent colour (hex), already contrast-checked. */
  color?: string | undefined;
  /** Text on the accent colour (white or near-black, whichever reads better). */
  colorText?: string | undefined;
}

/**
 * Builds the renderer over `views/`. Every template gets `t(key, params)` (a key ending in
 * `Html` keeps its markup and escapes only the values; any other message is escaped whole by
 * autoescape, so each value is escaped exactly once), `locale`, `dir`, `brand`, `languages`
 * (the switcher's links) and `scriptMessages` (the `script` namespace as JSON for page scripts).
 */
export function createRenderer(options: {
  rpName: string;
  catalogue: Catalogue;
  brand?: Omit<Brand, 'name'>;
  watch?: boolean;
}): Renderer {
  const { catalogue } = options;
  const loader = () =>
    new nunjucks.FileSystemLoader(path.join(ROOT_DIR, 'views'), {
      noCache: Boolean(options.watch),
    });
  const settings = { throwOnUndefined: false, trimBlocks: true, lstripBlocks: true };
  const htmlEnv = new nunjucks.Environment(loader(), { ...settings, autoescape: true });
  const textEnv = new nunjucks.Environment(loader(), { ...settings, autoescape: false });
  const brand: Brand = { name: options.rpName, ...options.brand };
  const scriptJson = new Map<string, nunjucks.runtime.SafeString>();
  const scriptMessages = (locale: string) => {
    let json = scriptJson.get(locale);
    if (!json)
      scriptJson.set(locale, (json = jsonForScript(catalogue.namespace(locale, 'script'))));
    return json;
  };

  const localised = (locale: string, html: boolean) => ({
    locale,
    dir: catalogue.dir(locale),
    rpName: options.rpName,
    brand,
    datetime: (iso: string) => formatDateTime(locale, iso),
    t: (key: string, params: MessageParams = {}) => {
      // Markup a template built (a macro's output) goes in as its text; only `{{- x}}` in an
      // Html message inserts it unescaped, every other placeholder escapes.
      const values = Object.fromEntries(
        Object.entries(params).map(([k, v]) => [
          k,
          v instanceof nunjucks.runtime.SafeString ? v.toString() : v,
        ]),
      );
      const withBrand = { rpName: options.rpName, ...values };
      return html && /Html$/.test(key)
        ? new nunjucks.runtime.SafeString(catalogue.html(locale, key, withBrand))
        : catalogue.t(locale, key, withBrand);
    },
  });

  const render = (name: string, model: Record<string, unknown>): string => {
    const locale = typeof model.locale === 'string' ? model.locale : catalogue.defaultLocale;
    const html = !name.endsWith('.txt.njk');
    return (html ? htmlEnv : textEnv).render(name, { ...localised(locale, html), ...model });
  };

  return {
    catalogue,
    render,
    localeOf: (ctx) => requestLocale(ctx, catalogue),
    message(ctx, key, params = {}, fallback) {
      if (!catalogue.has(key)) return fallback ?? key;
      return catalogue.t(requestLocale(ctx, catalogue), key, { rpName: options.rpName, ...params });
    },
    page(ctx, name, model = {}) {
      const locale = requestLocale(ctx, catalogue);
      const here = ctx.method === 'GET' ? ctx.originalUrl : ctx.path;
      ctx.type = 'html';
      ctx.set('Content-Language', locale);
      ctx.body = render(`${name}.njk`, {
        nonce: ctx.state.cspNonce,
        languages: catalogue.locales.map((code) => ({
          code,
          name: catalogue.nativeName(code),
          href: `/locale/${code}?return=${encodeURIComponent(here)}`,
          current: code === locale,
        })),
        scriptMessages: scriptMessages(locale),
        ...model,
        locale,
      });
    },
  };
}

/**
 * The renderer as configured (SPEC.md §13): the catalogue with the operator's overrides, the
 * default language, RP_NAME, BRAND_LOGO_URL (made absolute for mails) and BRAND_COLOR.
 */
export function rendererFor(
  config: Pick<
    Config,
    'rpName' | 'issuer' | 'defaultLocale' | 'localesDir' | 'brandLogoUrl' | 'brandColor'
  >,
): Renderer {
  const logo = config.brandLogoUrl;
  return createRenderer({
    rpName: config.rpName,
    catalogue: loadCatalogue({
      defaultLocale: config.defaultLocale,
      overridesDir: config.localesDir,
    }),
    brand: {
      logoUrl: logo,
      mailLogoUrl: logo?.startsWith('/') ? `${config.issuer}${logo}` : logo,
      color: config.brandColor,
      colorText: config.brandColor ? textOn(config.brandColor) : undefined,
    },
  });
}

/**
 * A date and time in `locale`, in UTC with its zone named (the page script shows it in the
 * reader's own time zone).
 */
export function formatDateTime(locale: string, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  })
    .format(date)
    .concat(' UTC');
}

/** JSON safe inside `<script type="application/json">` (no `</script>` or `<!--` can form). */
export function jsonForScript(value: unknown): nunjucks.runtime.SafeString {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new nunjucks.runtime.SafeString(json);
}
