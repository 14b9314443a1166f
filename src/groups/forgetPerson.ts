import type { CustomClaims } from './customClaims.js';
import type { GroupRepository } from './groupRepository.js';

/**
 * Removes what the groups module holds about a person being deleted: their memberships and
 * their own custom claims. Used by both deletes (the operator's and the person's own).
 */
export async function forgetPerson(
  groups: Pick<GroupRepository, 'forgetAccount'>,
  claims: Pick<CustomClaims, 'forget'>,
  accountId: string,
): Promise<void> {
  await groups.forgetAccount(accountId);
  await claims.forget(`account:${accountId}`);
}
