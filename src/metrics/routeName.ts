import type { Context } from 'koa';

/** Paths served outside any router, by exact path. */
const FIXED = new Set(['/healthz', '/readyz', '/metrics', '/favicon.ico']);
/** What a route template may look like; anything else is not used as a label. */
const TEMPLATE = /^\/[A-Za-z0-9/:._-]{0,80}$/;

/**
 * A low-cardinality name for the request's route: the template the router matched (Sesame's
 * `/interaction/:uid/…` or oidc-provider's `/auth/:uid`, `/token`…), a fixed path, `/static/*`,
 * or `unmatched`. Never the raw path, which carries uids.
 */
export function routeName(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string' && TEMPLATE.test(matched)) return matched;
  if (FIXED.has(ctx.path)) return ctx.path;
  if (ctx.path.startsWith('/static/')) return '/static/*';
  return 'unmatched';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The request method, or `other` for anything unusual. */
export function methodName(ctx: Context): string {
  return METHODS.has(ctx.method) ? ctx.method : 'other';
}
