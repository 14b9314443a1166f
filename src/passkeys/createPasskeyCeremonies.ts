import { authenticationCeremony } from './authenticationCeremony.js';
import type { PasskeyCeremonies, PasskeyDeps } from './passkeyCeremonies.js';
import { registrationCeremony } from './registrationCeremony.js';

/** Builds the WebAuthn ceremonies over the stores (SimpleWebAuthn does the cryptography). */
export function createPasskeyCeremonies(deps: PasskeyDeps): PasskeyCeremonies {
  return { ...registrationCeremony(deps), ...authenticationCeremony(deps) };
}
