import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { authenticationContext, type CeremonyFacts } from '../passkeys/authenticationContext.js';
import type { InteractionDeps } from './interactionDeps.js';
import type { InteractionDetails } from './loadInteraction.js';
import { needsDeviceBound } from './passkeyRequirement.js';

/**
 * Ends the login step of an interaction for `accountId` with the truthful acr/amr of the
 * ceremony and returns the URL the page continues to. When the app demanded `acr_values=phrh`
 * (or its passkey policy is `device-bound`) and the ceremony cannot give it, the app gets
 * `unmet_authentication_requirements` instead.
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
    acr !== 'phrh' && (await needsDeviceBound(deps.provider, details))
      ? {
          error: 'unmet_authentication_requirements',
          error_description: 'this app requires a device-bound passkey with user verification',
        }
      : { login: { accountId, acr, amr, remember: true } };
  return deps.provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
}
