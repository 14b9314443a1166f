import { GROUP_NAME } from '../groups/groupName.js';

/** The passkey policies an app may have (SPEC.md §11). */
export const PASSKEY_POLICIES = ['any', 'device-bound'] as const;
export type PasskeyPolicy = (typeof PASSKEY_POLICIES)[number];

/**
 * Validates the client metadata of SPEC.md §11 as oidc-provider loads a client: `allowed_groups`
 * (an array of group names) and `passkey_policy` (`any` or `device-bound`). Throws for anything
 * else, so a hand-edited client fails loudly instead of being open to everyone.
 */
export function validateAccessMetadata(key: string, value: unknown): void {
  if (value === undefined) return;
  if (key === 'allowed_groups') {
    if (!Array.isArray(value) || !value.every((g) => typeof g === 'string' && GROUP_NAME.test(g)))
      throw new Error('allowed_groups must be an array of group names');
  }
  if (key === 'passkey_policy' && !PASSKEY_POLICIES.includes(value as PasskeyPolicy)) {
    throw new Error('passkey_policy must be "any" or "device-bound"');
  }
}
