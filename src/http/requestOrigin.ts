import type { Context } from 'koa';

/** The request's origin facts recorded in audit events: address and (truncated) user agent. */
export function requestOrigin(ctx: Context): { ip: string; userAgent: string } {
  return { ip: ctx.ip, userAgent: ctx.get('User-Agent').slice(0, 256) };
}
