import type Router from '@koa/router';
import type { Middleware } from 'koa';

/** The first segment of a path, lower-cased (`/Interaction/abc` → `/interaction`). */
function head(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path : path.slice(0, end)).toLowerCase();
}

/**
 * `router.routes()`, skipped at once for requests no route of the router can match: every
 * request passes every router in front of the provider, and matching a path against each of
 * a router's patterns costs more than the token or discovery endpoint's own work. The first
 * path segments come from the router's own routes (its `use` middleware runs only when a route
 * matches, so it does not count); a route whose first segment is a parameter or a pattern
 * leaves the router ungated.
 */
export function gatedRoutes(router: Router): Middleware {
  const routes = router.routes() as unknown as Middleware;
  const heads = new Set<string>();
  for (const layer of router.stack) {
    if (layer.methods.length === 0) continue;
    const path = layer.path;
    if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~-]*(?:\/|$)/.test(path)) return routes;
    heads.add(head(path));
  }
  return (ctx, next) => (heads.has(head(ctx.path)) ? routes(ctx, next) : next());
}
