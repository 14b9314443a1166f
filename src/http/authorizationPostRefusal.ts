import type { Middleware } from 'koa';
import { HttpError } from './errors.js';

/**
 * `POST /auth` is refused in words (405, `Allow: GET`) instead of a bare 404. oidc-provider
 * can accept it only with the session cookie set to `SameSite=None`, which would send the
 * session to every cross-site request; Sesame keeps `SameSite=Lax` (see docs/CONFORMANCE.md).
 */
export function authorizationPostRefusal(): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/auth') {
      const err = new HttpError(
        405,
        'invalid_request',
        'Send the sign-in request as a GET: this server does not accept POSTed authorization requests.',
      ).withMessage('post_auth');
      err.headers.Allow = 'GET';
      throw err;
    }
    await next();
  };
}
