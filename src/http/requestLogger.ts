import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
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
        logRequest(logger, ctx, Math.round((performance.now() - started) * 10) / 10);
      }
    });
  };
}

/**
 * One line per request: debug for successes; refusals and failures at info and error, since
 * they are what operators are asked about. The reference on the error page is the `reqId` on
 * the line, which also carries the reason and the app it concerned.
 */
function logRequest(logger: Logger, ctx: Context, ms: number): void {
  const line = { method: ctx.method, path: ctx.path, status: ctx.status, ms };
  if (ctx.status < 400) {
    logger.debug(line, 'request');
    return;
  }
  const reason = ctx.state.errorCode as string | undefined;
  const clientId = clientIdOf(ctx);
  const detail = { ...line, ...(reason ? { reason } : {}), ...(clientId ? { clientId } : {}) };
  if (ctx.status >= 500) logger.error(detail, 'request');
  else logger.info(detail, 'request');
}

/** The app a request concerned: the provider's resolved client, else the `client_id` asked for. */
function clientIdOf(ctx: Context): string | undefined {
  const resolved = (ctx as { oidc?: { client?: { clientId?: string } } }).oidc?.client?.clientId;
  const named = ctx.state.clientId ?? ctx.query.client_id;
  const id = resolved ?? (typeof named === 'string' ? named : undefined);
  return id?.slice(0, 100);
}
