import type Provider from 'oidc-provider';
import { deviceBoundOnly, requiresPhrh } from '../oidc/interactionPolicy.js';
import type { InteractionDetails } from './loadInteraction.js';

/**
 * `true` when this sign-in must use a device-bound passkey with user verification: the request
 * asked for `acr_values=phrh`, or the app's passkey policy is `device-bound` (SPEC.md §11).
 */
export async function needsDeviceBound(
  provider: Provider,
  details: InteractionDetails,
): Promise<boolean> {
  if (requiresPhrh(details.params.acr_values)) return true;
  const client = await provider.Client.find(String(details.params.client_id ?? ''));
  return deviceBoundOnly(client?.metadata());
}
