import type Router from '@koa/router';
import { NotFound } from '../http/errors.js';
import type { InteractionDeps } from './interactionDeps.js';
import { loadInteraction } from './loadInteraction.js';

/** The authorization parameters that restart a sign-in as the app first asked for it. */
const RESTART_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'max_age',
  'acr_values',
  'claims',
  'ui_locales',
] as const;

/**
 * Ways out of a sign-in: "Back to {app}" (`/abort`) returns to the app with `access_denied`
 * and its `state`; "Not you?" (`/switch`) restarts the same authorization with
 * `prompt=login`, so another person can sign in. Both are plain links: the worst a forged one
 * can do is end a sign-in the person can start again.
 */
export function leaveRoutes(router: Router, deps: InteractionDeps): void {
  router.get('/interaction/:uid/abort', async (ctx) => {
    await loadInteraction(deps.provider, ctx);
    const to = await deps.provider.interactionResult(
      ctx.req,
      ctx.res,
      { error: 'access_denied', error_description: 'the person went back to the app' },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(to);
  });

  router.get('/interaction/:uid/switch', async (ctx) => {
    const details = await loadInteraction(deps.provider, ctx);
    const query = new URLSearchParams();
    for (const name of RESTART_PARAMS) {
      const value = details.params[name];
      if (typeof value === 'string') query.set(name, value);
    }
    query.set('prompt', 'login');
    ctx.status = 303;
    ctx.redirect(`/auth?${query}`);
  });

  // Registered last: an unknown page inside a live sign-in still offers "Back to {app}".
  router.get('/interaction/:uid/*rest', async (ctx) => {
    await loadInteraction(deps.provider, ctx);
    throw new NotFound('not_found', 'There is no page at this address.');
  });
}
