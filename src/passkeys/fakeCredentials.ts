import { createHmac } from 'node:crypto';
import type { AllowedCredential } from './passkeyCeremonies.js';
import { ALL_TRANSPORTS, listedTransports } from './listedTransports.js';

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
