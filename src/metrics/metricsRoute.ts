import cluster from 'node:cluster';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../log/createLogger.js';
import type { Metrics } from './createMetrics.js';
import { fetchClusterMetrics, shareWorkerMetrics } from './clusterMetrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics` in Prometheus text format. With `token` set, only requests carrying
 * `Authorization: Bearer <token>` get them (401 otherwise); without one the endpoint is open
 * and the operator keeps it off the internet at the proxy (docs/DEPLOY.md). In a cluster
 * worker the answer covers every worker, gathered by the primary.
 */
export function metricsRoute(
  metrics: Metrics,
  options: { token: string | undefined; secure: boolean; logger: Logger },
): Middleware {
  const expected = options.token === undefined ? undefined : digest(options.token);
  if (!expected && options.secure)
    options.logger.warn(
      'METRICS_TOKEN is not set: /metrics is open to anyone who can reach it; block it at the proxy or set a token',
    );
  const inCluster = cluster.isWorker;
  if (inCluster) shareWorkerMetrics(metrics.registry);
  return async (ctx, next) => {
    if (ctx.path !== '/metrics' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    if (expected) {
      const given = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1] ?? '';
      if (!timingSafeEqual(digest(given), expected)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
        ctx.body = { error: 'unauthorized', error_description: 'A metrics token is required.' };
        return;
      }
    }
    try {
      ctx.body = inCluster ? await fetchClusterMetrics() : await metrics.registry.metrics();
      ctx.type = metrics.registry.contentType;
    } catch (err) {
      (ctx.state.log ?? options.logger).warn({ err }, 'collecting metrics failed');
      ctx.status = 503;
      ctx.body = { error: 'unavailable', error_description: 'Metrics are not available now.' };
    }
  };
}
