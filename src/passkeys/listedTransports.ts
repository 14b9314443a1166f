/** Every transport WebAuthn names; listed for a credential whose authenticator reported none. */
export const ALL_TRANSPORTS = ['ble', 'hybrid', 'internal', 'nfc', 'usb'];

/**
 * Transports as an allowCredentials entry shows them, for real and fake entries alike: sorted
 * and de-duplicated, and all of them when the authenticator reported none (which means "any"),
 * so the `transports` key is present in every entry.
 */
export function listedTransports(transports: readonly string[]): string[] {
  return transports.length === 0 ? [...ALL_TRANSPORTS] : [...new Set(transports)].sort();
}
