import coBody from 'co-body';
import type { Middleware } from 'koa';
import { BODY_LIMIT } from './readBody.js';
import { BadRequest, HttpError, PayloadTooLarge, UnsupportedMediaType } from './errors.js';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Accepts `POST /auth` (OIDC Core §3.1.2.1) by handing the form body to oidc-provider as the
 * query of a GET. oidc-provider serves POST itself only with `SameSite=None` session cookies;
 * Sesame keeps them `Lax`, so a cross-site POST arrives without the session and the person
 * signs in again (`prompt=none` answers `login_required`), exactly what the browser allows.
 * The body is read raw, so a repeated parameter is refused as it is in a query.
 */
export function authorizationPost(): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/auth') {
      if (!ctx.is(FORM))
        throw new UnsupportedMediaType('a form (application/x-www-form-urlencoded)');
      let body: string;
      try {
        body = await coBody.text(ctx.req, { limit: BODY_LIMIT });
      } catch (err) {
        if (err instanceof HttpError) throw err;
        if ((err as { status?: number }).status === 413) throw new PayloadTooLarge();
        throw new BadRequest('invalid_request', 'The request body could not be read.').withMessage(
          'request_unreadable',
        );
      }
      ctx.method = 'GET';
      ctx.querystring = body;
      ctx.request.headers['content-length'] = '0';
      delete ctx.request.headers['content-type'];
    }
    await next();
  };
}
