import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { RateLimiter } from '../../http/rateLimiter.js';
import type { AdminService } from '../adminService.js';
import { notFound } from '../adminErrors.js';
import { apiAuth } from './apiAuth.js';
import { clientsApi } from './clientsApi.js';
import { groupsApi } from './groupsApi.js';
import { openapiDocument } from './openapiDocument.js';
import { usersApi } from './usersApi.js';

const PREFIX = '/admin/api/';

/**
 * `/admin/api/…`: the admin service as JSON for scripts (SPEC.md §10). Everything under it
 * answers JSON, errors included. The OpenAPI document is public (it holds no data); everything
 * else needs a bearer API token.
 */
export function createAdminApi(
  admin: AdminService,
  deps: { limiter: RateLimiter; issuer: string },
): Middleware {
  const document = openapiDocument(deps.issuer, true);
  const router = new Router();
  clientsApi(router, admin);
  usersApi(router, admin);
  groupsApi(router, admin);
  const auth = apiAuth(admin.tokens, deps.limiter);
  const routes = router.routes() as unknown as Middleware;
  return async (ctx, next) => {
    if (!ctx.path.startsWith(PREFIX)) return next();
    ctx.state.json = true;
    if (ctx.path === `${PREFIX}openapi.json` && ctx.method === 'GET') {
      ctx.body = document;
      return;
    }
    await auth(ctx, () =>
      routes(ctx, () => {
        throw notFound(`there is no ${ctx.method} ${ctx.path} in the admin API`);
      }),
    );
  };
}
