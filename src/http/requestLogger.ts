import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../log/createLogger.js';
import { requestContext } from '../log/requestContext.js';

/**
 * Gives each request an id (response header `X-Request-Id`), serves the rest of the request
 * inside a {@link requestContext} holding it, so every line any module logs meanwhile carries
 * `reqId`, and logs one line per request. `ctx.state.log` stays for handlers that want a
 * logger at hand. Only the path is logged, never the query string, which can hold codes and
 * tokens.
 */
export function requestLogger(logger: Logger): Middleware {
  return (ctx, next) => {
    const reqId = randomUUID();
    ctx.state.requestId = reqId;
    ctx.state.log = logger;
    ctx.set('X-Request-Id', reqId);
    return requestContext.run({ reqId }, async () => {
      const started = performance.now();
      try {
        await next();
      } finally {
        const ms = Math.round((performance.now() - started) * 10) / 10;
        const line = { method: ctx.method, path: ctx.path, status: ctx.status, ms };
        if (ctx.status >= 500) logger.error(line, 'request');
        else logger.debug(line, 'request');
      }
    });
  };
}
