import type Router from '@koa/router';
import type { AccountDeps } from './accountDeps.js';
import { loadAccountSession } from './loadAccountSession.js';

/**
 * Pages outside any sign-in: `/` (a small home page linking to the account page),
 * `/signed-out` (after "Sign out everywhere" or signing this browser out: a confirmation, not
 * the sign-in page, where autofill could sign the person straight back in) and `/goodbye`
 * (after deleting the account).
 */
export function publicPageRoutes(router: Router, deps: AccountDeps): void {
  router.get('/', async (ctx) => {
    const session = await loadAccountSession(deps, ctx).catch(() => undefined);
    deps.renderer.page(ctx, 'home', { signedIn: Boolean(session) });
  });
  router.get('/signed-out', (ctx) => {
    deps.renderer.page(ctx, 'signedOut');
  });
  router.get('/goodbye', (ctx) => {
    deps.renderer.page(ctx, 'goodbye');
  });
}
