import { createHmac } from 'node:crypto';
import type { AllowedCredential } from './passkeyCeremonies.js';

/**
 * A deterministic, plausible allowCredentials list for an email with no account, so the
 * email-first response does not reveal whether the account exists: the same email always gets
 * the same one or two 32-byte ids, shaped like the real ones.
 */
export function fakeCredentials(secret: string, email: string): AllowedCredential[] {
  const seed = createHmac('sha256', secret).update(`fake-credentials:${email}`).digest();
  const count = 1 + ((seed[0] ?? 0) % 2);
  return Array.from({ length: count }, (_, i) => ({
    id: createHmac('sha256', seed).update(String(i)).digest().toString('base64url'),
    transports: ['hybrid', 'internal'],
  }));
}
