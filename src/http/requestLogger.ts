import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../log/createLogger.js';

/**
 * Gives each request an id (response header `X-Request-Id`) and a child logger carrying it in
 * `ctx.state.log`, and logs one line per request. Only the path is logged, never the query
 * string, which can hold codes and tokens.
 */
export function requestLogger(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    const reqId = randomUUID();
    ctx.state.requestId = reqId;
    ctx.state.log = logger.child({ reqId });
    ctx.set('X-Request-Id', reqId);
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const line = { method: ctx.method, path: ctx.path, status: ctx.status, ms };
      if (ctx.status >= 500) ctx.state.log.error(line, 'request');
      else ctx.state.log.debug(line, 'request');
    }
  };
}
