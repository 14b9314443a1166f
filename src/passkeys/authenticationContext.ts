/** What a ceremony proved, from the authenticator's flags. */
export interface CeremonyFacts {
  userPresent: boolean;
  userVerified: boolean;
  /** Backup eligible: a synced (multi-device) passkey. */
  backupEligible: boolean;
}

/**
 * The truthful `acr` and `amr` for a passkey ceremony (SPEC.md §5, OpenID EAP ACR values and
 * RFC 8176): `pop` always; `hwk` for a device-bound key, `swk` for a synced one; `user` when
 * presence was tested; `mfa` when user verification was performed. `phrh` only for a
 * device-bound key with user verification.
 */
export function authenticationContext(facts: CeremonyFacts): {
  acr: 'phr' | 'phrh';
  amr: string[];
} {
  const amr = ['pop', facts.backupEligible ? 'swk' : 'hwk'];
  if (facts.userPresent) amr.push('user');
  if (facts.userVerified) amr.push('mfa');
  const acr = !facts.backupEligible && facts.userVerified ? 'phrh' : 'phr';
  return { acr, amr };
}
