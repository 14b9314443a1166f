import type Router from '@koa/router';
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { clientName, findClient } from '../http/clientName.js';
import { BadRequest } from '../http/errors.js';
import { readCsrfForm } from '../http/readCsrfForm.js';
import { allowFormTargets } from '../http/securityHeaders.js';
import { APP_ACCESS_PROMPT } from '../oidc/interactionPolicy.js';
import type { InteractionDeps } from './interactionDeps.js';
import { loadInteraction, type InteractionDetails } from './loadInteraction.js';
import { needsDeviceBound } from './passkeyRequirement.js';

/** The CSRF binding of the "Back to {app}" forms of one interaction. */
export const backBinding = (uid: string) => `back:${uid}`;

/** The "No access" page (SPEC.md §11) for a person outside an app's allowed groups. */
export async function noAccessPage(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
): Promise<void> {
  const account = details.session ? await deps.accounts.get(details.session.accountId) : undefined;
  await allowBackToApp(deps, ctx, details);
  ctx.status = 403;
  deps.renderer.page(ctx, 'noAccess', {
    uid: details.uid,
    csrf: deps.csrf.token(backBinding(details.uid)),
    clientName: await clientName(deps.provider, details),
    email: account?.email,
  });
}

/** Lets the page's "Back to {app}" form end at the app's redirect URI (CSP `form-action`). */
export async function allowBackToApp(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
): Promise<void> {
  const client = await findClient(deps.provider, details);
  allowFormTargets(ctx, client?.redirectUris ?? []);
}

/**
 * The "Back to {app}" button of the "No access" page and of a sign-in that needs a
 * device-bound passkey. The
 * server decides the error the app receives from where the interaction stands: `access_denied`
 * for no access, `unmet_authentication_requirements` for the passkey policy. Nothing is issued.
 */
export function backToAppRoutes(router: Router, deps: InteractionDeps): void {
  router.post('/interaction/:uid/back', async (ctx) => {
    const details = await loadInteraction(deps.provider, ctx);
    await readCsrfForm(ctx, deps.csrf, backBinding(details.uid));
    let result: InteractionResults;
    if (details.prompt.name === APP_ACCESS_PROMPT) {
      result = {
        error: 'access_denied',
        error_description: 'this person is not in a group allowed to use this app',
      };
    } else if (
      details.prompt.name === 'login' &&
      (await needsDeviceBound(deps.provider, details))
    ) {
      result = {
        error: 'unmet_authentication_requirements',
        error_description: 'this app requires a device-bound passkey with user verification',
      };
    } else {
      throw new BadRequest(
        'not_refused',
        'There is nothing to go back from at this step. Continue signing in.',
      );
    }
    const to = await deps.provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    });
    ctx.status = 303;
    ctx.redirect(to);
  });
}
