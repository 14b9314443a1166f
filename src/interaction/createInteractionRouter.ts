import Router from '@koa/router';
import { sameOriginOnly } from '../http/csrf.js';
import { consentRoutes } from './consentRoutes.js';
import type { InteractionDeps } from './interactionDeps.js';
import { leaveRoutes } from './leaveRoutes.js';
import { recoveryRoutes } from './recoveryRoutes.js';
import { signInRoutes } from './signInRoutes.js';
import { signUpRoutes } from './signUpRoutes.js';

/** All routes under `/interaction/:uid` (sign-in, sign-up, recovery, consent) and `/recovery`. */
export function createInteractionRouter(deps: InteractionDeps, origin: string): Router {
  const router = new Router();
  router.use(sameOriginOnly(origin));
  signInRoutes(router, deps);
  signUpRoutes(router, deps);
  recoveryRoutes(router, deps);
  consentRoutes(router, deps);
  leaveRoutes(router, deps);
  return router;
}
