import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { authenticationContext, type CeremonyFacts } from '../passkeys/authenticationContext.js';
import { requiresPhrh } from '../oidc/interactionPolicy.js';
import type { InteractionDeps } from './interactionDeps.js';
import type { InteractionDetails } from './loadInteraction.js';

/**
 * Ends the login step of an interaction for `accountId` with the truthful acr/amr of the
 * ceremony and returns the URL the page continues to. When the app demanded `acr_values=phrh`
 * and the ceremony cannot give it, the app gets `unmet_authentication_requirements` instead.
 */
export async function finishLogin(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
  accountId: string,
  facts: CeremonyFacts,
): Promise<string> {
  const { acr, amr } = authenticationContext(facts);
  const result: InteractionResults =
    requiresPhrh(details.params.acr_values) && acr !== 'phrh'
      ? {
          error: 'unmet_authentication_requirements',
          error_description: 'this app requires a device-bound passkey with user verification',
        }
      : { login: { accountId, acr, amr, remember: true } };
  return deps.provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
}
