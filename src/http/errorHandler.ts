import type { Context, Middleware } from 'koa';
import { StoreUnavailableError } from '../store/collection.js';
import { HttpError, ServiceUnavailable, TO_ACCOUNT, type WayOn } from './errors.js';
import type { Renderer } from './renderer.js';
import type { Logger } from '../log/createLogger.js';

/**
 * The one error handler: typed errors become their status with a readable message, the store
 * going away becomes 503, anything else is logged with the request id and shown as a generic
 * 500. Fetch calls (JSON) get `{ error, error_description }`, navigations get the error page
 * with one way on: the error's own, the route's (`ctx.state.wayOn`, e.g. "Back to {app}"), or
 * "Go to your account".
 */
export function errorHandler(renderer: Renderer, logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, 'not_found', 'There is no page at this address.');
      }
    } catch (caught) {
      const err = toHttpError(caught);
      if (!err.expose) {
        const log: Logger = ctx.state.log ?? logger;
        log.error({ err: caught }, 'request failed');
      }
      ctx.status = err.status;
      ctx.state.errorCode = err.code;
      for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
      const message = err.expose
        ? err.message
        : 'Something went wrong on our side. Please try again.';
      if (wantsJson(ctx)) {
        ctx.body = { error: err.code, error_description: message };
      } else {
        renderer.page(ctx, 'error', {
          title: titleFor(err.status),
          message,
          requestId: ctx.state.requestId,
          wayOn: err.wayOn ?? (ctx.state.wayOn as WayOn | undefined) ?? TO_ACCOUNT,
        });
        ctx.status = err.status;
      }
    }
  };
}

function toHttpError(caught: unknown): HttpError {
  if (caught instanceof HttpError) return caught;
  if (caught instanceof StoreUnavailableError) return new ServiceUnavailable();
  const status = (caught as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const e = caught as { message?: string; expose?: boolean };
    return new HttpError(
      status,
      'invalid_request',
      e.expose && e.message ? e.message : 'The request was not valid.',
    );
  }
  return new HttpError(500, 'server_error', 'internal error');
}

/** JSON for fetch calls (they send JSON or ask for it), HTML for everything else. */
export function wantsJson(ctx: Context): boolean {
  return Boolean(ctx.is('application/json')) || ctx.accepts('html', 'json') === 'json';
}

function titleFor(status: number): string {
  if (status === 404) return 'Not found';
  if (status === 429) return 'Too many attempts';
  if (status >= 500) return 'Something went wrong';
  return 'That did not work';
}
