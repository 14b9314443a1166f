import type { Middleware } from 'koa';
import type { Store } from '../store/collection.js';

/** `GET /healthz` (process up) and `GET /readyz` (store reachable, else 503). */
export function healthRoutes(store: Store): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz') {
      try {
        await store.ping();
        ctx.body = { status: 'ok', store: store.engine };
      } catch {
        ctx.status = 503;
        ctx.body = { status: 'unavailable', store: store.engine };
      }
      return;
    }
    await next();
  };
}
