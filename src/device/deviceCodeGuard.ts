import type { Middleware } from 'koa';
import type { Limits, RateLimiter } from '../http/rateLimiter.js';
import { deviceCodeKey } from './deviceFlowFeature.js';

/** The longest user code accepted for pre-filling (the real ones are 9 characters). */
const MAX_PREFILL = 32;

/**
 * Runs before oidc-provider on `/device`. A link with `?user_code=` (the device's QR code)
 * would make oidc-provider submit the code at once; SPEC.md §14 wants the form pre-filled and
 * waiting for "Continue", so the code is taken off the query and handed to the page instead.
 * A code submission from an address that has used up its wrong-code allowance gets 429 before
 * the code is even looked up.
 */
export function deviceCodeGuard(deps: {
  limiter: RateLimiter;
  limits: Pick<Limits, 'deviceCodePerIp'>;
}): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/device') return next();
    ctx.set('Cache-Control', 'no-store');
    if (ctx.method === 'GET' && ctx.query.user_code !== undefined) {
      const code = ctx.query.user_code;
      if (typeof code === 'string') ctx.state.deviceUserCode = code.trim().slice(0, MAX_PREFILL);
      ctx.querystring = '';
    } else if (ctx.method === 'POST') {
      await deps.limiter.check(deviceCodeKey(ctx.ip), deps.limits.deviceCodePerIp);
    }
    return next();
  };
}
