import type { Middleware } from 'koa';
import { TooManyRequests } from './errors.js';
import type { Limit, RateLimiter } from './rateLimiter.js';

/**
 * Limits how many interactions (sign-in pages, each a stored document) one client IP can
 * start: an authorization request that would start one past the limit gets a 429 page with
 * `Retry-After` before oidc-provider stores anything. Only requests that did start an
 * interaction count, so `prompt=none`, errors and signed-in people returning are free.
 */
export function interactionLimits(limiter: RateLimiter, limit: Limit): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/auth' || (ctx.method !== 'GET' && ctx.method !== 'POST')) return next();
    const key = `interactions:ip:${ctx.ip}`;
    await limiter.check(key, limit);
    await next();
    const location = ctx.response.get('Location');
    if (
      ctx.status >= 300 &&
      ctx.status < 400 &&
      /^(?:https?:\/\/[^/]+)?\/interaction\//.test(location)
    )
      await limiter.hit(key, limit).catch((err: unknown) => {
        if (!(err instanceof TooManyRequests)) throw err;
      });
  };
}
