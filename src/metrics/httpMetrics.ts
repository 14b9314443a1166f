import type { Middleware } from 'koa';
import type { Metrics } from './createMetrics.js';
import { methodName, routeName } from './routeName.js';

const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials']);

/**
 * Counts every request by route template, method and status and times it; token endpoint
 * requests are also timed by grant type. Mounted outside the error handler, so it sees the
 * status the client gets.
 */
export function httpMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = routeName(ctx);
      const status = String(ctx.status);
      metrics.httpRequests.inc({ route, method: methodName(ctx), status });
      metrics.httpDuration.observe({ route }, seconds);
      const oidc = (ctx as { oidc?: { route?: string; params?: { grant_type?: unknown } } }).oidc;
      if (oidc?.route === 'token') {
        const grant = String(oidc.params?.grant_type ?? '');
        metrics.tokenDuration.observe(
          { grant_type: GRANT_TYPES.has(grant) ? grant : 'other', status },
          seconds,
        );
      }
    }
  };
}
