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
        ? renderer.message(ctx, `errors.${err.key ?? err.code}`, err.params, err.message)
        : renderer.message(ctx, 'errors.server_error');
      if (wantsJson(ctx)) {
        ctx.body = { error: err.code, error_description: message };
      } else {
        renderer.page(ctx, 'error', {
          title: renderer.message(ctx, titleFor(err.status)),
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
    const detail = e.expose && e.message ? e.message : undefined;
    const err = new HttpError(status, 'invalid_request', detail ?? 'The request was not valid.');
    return detail ? err.withMessage('invalid_field', { detail }) : err;
  }
  return new HttpError(500, 'server_error', 'internal error');
}

/**
 * JSON for fetch calls (they send JSON or ask for it) and for JSON APIs (which set
 * `ctx.state.json`), HTML for everything else.
 */
export function wantsJson(ctx: Context): boolean {
  if (ctx.state.json === true) return true;
  return Boolean(ctx.is('application/json')) || ctx.accepts('html', 'json') === 'json';
}

/** The error page's heading (a catalogue key) for `status`. */
function titleFor(status: number): string {
  if (status === 404) return 'errorPage.notFound';
  if (status === 429) return 'errorPage.tooMany';
  if (status >= 500) return 'errorPage.serverError';
  return 'errorPage.failed';
}
