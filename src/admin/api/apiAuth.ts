import type { Middleware } from 'koa';
import { Unauthorized } from '../../http/errors.js';
import type { Limit, RateLimiter } from '../../http/rateLimiter.js';
import type { Actor } from '../actor.js';
import type { TokenAdmin } from '../tokenAdmin.js';

/** Calls per token (and per IP) and minute. */
export const API_CALL_LIMIT: Limit = { max: 600, windowMs: 60_000 };
/** Wrong or missing tokens per IP before 429: guessing is pointless, and now also slow. */
export const API_FAILURE_LIMIT: Limit = { max: 20, windowMs: 15 * 60_000 };

const BEARER = /^Bearer ([\x21-\x7e]{1,200})$/;

/**
 * Admits a request only with `Authorization: Bearer <token>` of a live API token (401 JSON
 * otherwise, with `WWW-Authenticate`), rate limited per IP and per token; each accepted call
 * is audited by the token service. Sets `ctx.state.actor` to the token.
 */
export function apiAuth(tokens: TokenAdmin, limiter: RateLimiter): Middleware {
  return async (ctx, next) => {
    ctx.state.json = true;
    await limiter.hit(`adminapi:ip:${ctx.ip}`, API_CALL_LIMIT);
    const match = BEARER.exec(ctx.get('Authorization'));
    const token = match
      ? await tokens.authenticate(match[1]!, {
          ip: ctx.ip,
          userAgent: ctx.get('User-Agent') || undefined,
          detail: `${ctx.method} ${ctx.path}`,
        })
      : undefined;
    if (!token) {
      await limiter.hit(`adminapi:fail:${ctx.ip}`, API_FAILURE_LIMIT);
      throw new Unauthorized(
        'invalid_token',
        match
          ? 'The API token is not valid or was revoked.'
          : 'Send an API token as Authorization: Bearer <token> (make one with `npx sesame token create`).',
      ).withMessage('invalid_field', {
        detail: match
          ? 'The API token is not valid or was revoked.'
          : 'Send an API token as Authorization: Bearer <token> (make one with `npx sesame token create`).',
      });
    }
    await limiter.hit(`adminapi:token:${token.id}`, API_CALL_LIMIT);
    const actor: Actor = { kind: 'token', tokenId: token.id };
    ctx.state.actor = actor;
    await next();
  };
}
