import type Provider from 'oidc-provider';
import type { Account } from '../accounts/accountRepository.js';
import type { RequestOrigin } from '../accounts/auditLog.js';
import { clientName, findClient } from '../http/clientName.js';
import { Forbidden } from '../http/errors.js';
import { deviceBoundOnly, requiresPhrh } from '../oidc/interactionPolicy.js';
import { authenticationContext, type CeremonyFacts } from '../passkeys/authenticationContext.js';
import type { StoredCredential } from '../passkeys/credentialRepository.js';
import type { InteractionDeps } from './interactionDeps.js';
import type { InteractionDetails } from './loadInteraction.js';
import { metadataOf } from '../oidc/metadataOf.js';

/**
 * `true` when this sign-in must use a device-bound passkey with user verification: the request
 * asked for `acr_values=phrh`, or the app's passkey policy is `device-bound` (SPEC.md §11).
 */
export async function needsDeviceBound(
  provider: Provider,
  details: InteractionDetails,
): Promise<boolean> {
  if (requiresPhrh(details.params.acr_values)) return true;
  const client = await findClient(provider, details);
  return deviceBoundOnly(client ? metadataOf(client) : undefined);
}

/**
 * Refuses, on the sign-in page, a verified passkey that does not meet the sign-in's requirement
 * (a synced passkey where a device-bound one is needed): 403 `passkey_not_device_bound` with an
 * explanation, audited, and the interaction left open so the person can use another passkey
 * or go back to the app.
 */
export async function refuseUnmetPasskeyPolicy(
  deps: InteractionDeps,
  details: InteractionDetails,
  signedIn: {
    account: Account;
    credential: StoredCredential;
    facts: CeremonyFacts;
    from: RequestOrigin;
  },
): Promise<void> {
  const { account, credential, facts, from } = signedIn;
  if (authenticationContext(facts).acr === 'phrh') return;
  if (!(await needsDeviceBound(deps.provider, details))) return;
  await deps.audit.record({
    type: 'signin_failed',
    accountId: account.id,
    credentialId: credential.id,
    clientId: String(details.params.client_id ?? ''),
    detail: 'synced passkey refused: the app accepts device-bound passkeys only',
    ...from,
  });
  const app = await clientName(deps.provider, details);
  throw new Forbidden(
    'passkey_not_device_bound',
    'a synced passkey was refused: the app accepts device-bound passkeys only',
  ).withMessage('passkey_not_device_bound', { app });
}
