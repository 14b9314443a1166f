import Router from '@koa/router';
import { sameOriginOnly } from '../http/csrf.js';
import type { AccountDeps } from './accountDeps.js';
import { accountDeleteRoutes } from './accountDeleteRoutes.js';
import { accountLanguageRoutes } from './accountLanguageRoutes.js';
import { accountPasskeyRoutes } from './accountPasskeyRoutes.js';
import { accountProfileRoutes } from './accountProfileRoutes.js';
import { accountRoutes } from './accountRoutes.js';
import { accountSignInRoutes } from './accountSignIn.js';
import { publicPageRoutes } from './publicPageRoutes.js';

/**
 * Every route under `/account` (the page, its forms, its JSON ceremonies and the callback),
 * plus the home, signed-out and goodbye pages.
 */
export function createAccountRouter(deps: AccountDeps, origin: string): Router {
  const router = new Router();
  router.use(sameOriginOnly(origin));
  accountSignInRoutes(router);
  accountRoutes(router, deps);
  accountPasskeyRoutes(router, deps);
  accountProfileRoutes(router, deps);
  accountDeleteRoutes(router, deps);
  publicPageRoutes(router, deps);
  accountLanguageRoutes(router, deps);
  return router;
}
