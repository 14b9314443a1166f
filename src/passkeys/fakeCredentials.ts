import { createHmac } from 'node:crypto';
import type { AllowedCredential } from './passkeyCeremonies.js';

/** Every transport WebAuthn names; listed for a credential whose authenticator reported none. */
const ALL_TRANSPORTS = ['ble', 'hybrid', 'internal', 'nfc', 'usb'];

/**
 * Transports as an allowCredentials entry shows them, for real and fake entries alike: sorted
 * and de-duplicated, and all of them when the authenticator reported none (which means "any"),
 * so the `transports` key is present in every entry.
 */
export function listedTransports(transports: readonly string[]): string[] {
  return transports.length === 0 ? [...ALL_TRANSPORTS] : [...new Set(transports)].sort();
}

/**
 * Shapes real passkeys take in an allowCredentials list: id length in bytes and transports.
 * Platform passkey providers use 16 (Google Password Manager), 20 (iCloud Keychain) or 32 bytes;
 * security keys report USB/NFC and often longer ids; some authenticators report no transports.
 */
const PROFILES: ReadonlyArray<{ bytes: number; transports: string[] }> = [
  { bytes: 16, transports: ['hybrid', 'internal'] },
  { bytes: 20, transports: ['hybrid', 'internal'] },
  { bytes: 32, transports: ['hybrid', 'internal'] },
  { bytes: 32, transports: ['hybrid', 'internal'] },
  { bytes: 64, transports: ['nfc', 'usb'] },
  { bytes: 32, transports: ALL_TRANSPORTS },
];

/**
 * A deterministic, plausible allowCredentials list for an email with no (active) account, so the
 * email-first response does not reveal whether the account exists: the same email always gets
 * the same one or two entries, each shaped like a real passkey of a common kind (id length and
 * transports), with the same keys as a real entry.
 */
export function fakeCredentials(secret: string, email: string): AllowedCredential[] {
  const seed = createHmac('sha256', secret).update(`fake-credentials:${email}`).digest();
  const count = 1 + ((seed[0] ?? 0) % 2);
  return Array.from({ length: count }, (_, i) => {
    const profile = PROFILES[(seed[1 + i] ?? 0) % PROFILES.length]!;
    const id = Buffer.concat([
      createHmac('sha256', seed).update(`${i}:a`).digest(),
      createHmac('sha256', seed).update(`${i}:b`).digest(),
    ]).subarray(0, profile.bytes);
    return { id: id.toString('base64url'), transports: listedTransports(profile.transports) };
  });
}
