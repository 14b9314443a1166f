import type { Middleware } from 'koa';
import { darkModeAccent, textOn } from '../config/brandConfig.js';

/** Where pages load the operator's accent colour from (linked only when BRAND_COLOR is set). */
export const BRAND_CSS_PATH = '/brand.css';

/**
 * The stylesheet for BRAND_COLOR: the accent and the text on it, and for dark mode the accent
 * lightened until it reads at 4.5:1 on the dark card. Served as a file so the CSP keeps
 * `style-src 'self'` without inline styles.
 */
export function brandStylesheet(color: string): string {
  const dark = darkModeAccent(color);
  return [
    `:root { --accent: ${color}; --accent-text: ${textOn(color)}; }`,
    '@media (prefers-color-scheme: dark) {',
    `  :root { --accent: ${dark}; --accent-text: ${textOn(dark)}; }`,
    '}',
    '',
  ].join('\n');
}

/** Serves {@link brandStylesheet} at {@link BRAND_CSS_PATH} when a colour is configured. */
export function brandStyles(color: string | undefined): Middleware {
  const css = color ? brandStylesheet(color) : undefined;
  return async (ctx, next) => {
    if (!css || ctx.path !== BRAND_CSS_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD'))
      return next();
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = css;
  };
}
