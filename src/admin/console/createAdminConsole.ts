import Router from '@koa/router';
import type Provider from 'oidc-provider';
import { sameOriginOnly } from '../../http/csrf.js';
import { activityPage } from './activityPage.js';
import { appsPages } from './appsPages.js';
import type { ConsoleDeps } from './consoleDeps.js';
import { groupsPages } from './groupsPages.js';
import { peoplePages } from './peoplePages.js';

/**
 * `/admin`: the administration console (SPEC.md §10) over the admin service — Apps, People,
 * Groups and Activity. Pages sign in through Sesame's own sign-in like `/account`; every change is a
 * same-origin, CSRF-checked form that needs a passkey verification within 5 minutes.
 */
export function createAdminConsole(
  given: Omit<ConsoleDeps, 'provider'> & { providers: { readonly current: Provider } },
  origin: string,
): Router {
  // Key rotation swaps the provider while the server runs: read the current one per request.
  const deps: ConsoleDeps = {
    ...given,
    get provider() {
      return given.providers.current;
    },
  };
  const router = new Router();
  router.use(sameOriginOnly(origin));
  appsPages(router, deps);
  peoplePages(router, deps);
  groupsPages(router, deps);
  activityPage(router, deps);
  return router;
}
