import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { Forbidden } from './errors.js';

/** CSRF tokens for forms: an HMAC of what the form acts on (an interaction, a session). */
export interface Csrf {
  token(binding: string): string;
  /** Throws 403 unless `token` was issued for `binding`. */
  verify(binding: string, token: unknown): void;
}

const refused = () =>
  new Forbidden(
    'csrf',
    'This form has expired or did not come from this site. Go back, reload the page and try again.',
  );

/** Builds CSRF tokens keyed by `secret` (the stored HMAC key, which never rotates). */
export function createCsrf(secret: string): Csrf {
  const token = (binding: string) =>
    createHmac('sha256', secret).update(`csrf:${binding}`).digest('base64url');
  return {
    token,
    verify(binding, given) {
      if (typeof given !== 'string') throw refused();
      const a = Buffer.from(token(binding));
      const b = Buffer.from(given);
      if (a.length !== b.length || !timingSafeEqual(a, b)) throw refused();
    },
  };
}

/**
 * Refuses state-changing requests that a browser marks as coming from another site
 * (`Sec-Fetch-Site` or `Origin`). JSON endpoints additionally demand `application/json`, which
 * a cross-site form cannot send without a CORS preflight Sesame never grants.
 */
export function sameOriginOnly(origin: string): Middleware {
  return async (ctx: Context, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && ctx.method !== 'OPTIONS') {
      const site = ctx.get('Sec-Fetch-Site');
      const from = ctx.get('Origin');
      if ((site && site !== 'same-origin' && site !== 'none') || (from && from !== origin))
        throw refused();
    }
    await next();
  };
}
