import Router from '@koa/router';
import { sameOriginOnly } from '../http/csrf.js';
import { BadRequest } from '../http/errors.js';
import { backToAppRoutes, noAccessPage } from './backToAppRoutes.js';
import { consentPage, consentRoutes } from './consentRoutes.js';
import type { InteractionDeps } from './interactionDeps.js';
import { leaveRoutes } from './leaveRoutes.js';
import { recoveryRoutes } from './recoveryRoutes.js';
import { loadInteraction } from './loadInteraction.js';
import { signInPage, signInRoutes } from './signInRoutes.js';
import { signUpRoutes } from './signUpRoutes.js';
import { APP_ACCESS_PROMPT } from '../oidc/interactionPolicy.js';

/** All routes under `/interaction/:uid` (sign-in, sign-up, recovery, consent) and `/recovery`. */
export function createInteractionRouter(deps: InteractionDeps, origin: string): Router {
  const router = new Router();
  router.use(sameOriginOnly(origin));
  // One page per prompt: which page /interaction/:uid shows is decided here, not by route order.
  router.get('/interaction/:uid', async (ctx) => {
    const details = await loadInteraction(deps.provider, ctx);
    if (details.prompt.name === 'login') return signInPage(deps, ctx, details);
    if (details.prompt.name === APP_ACCESS_PROMPT) return noAccessPage(deps, ctx, details);
    if (details.prompt.name === 'consent') return consentPage(deps, ctx, details);
    throw new BadRequest('unknown_prompt', 'This step is not supported.');
  });
  signInRoutes(router, deps);
  signUpRoutes(router, deps);
  recoveryRoutes(router, deps);
  backToAppRoutes(router, deps);
  consentRoutes(router, deps);
  leaveRoutes(router, deps);
  return router;
}
