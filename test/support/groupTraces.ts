import type { AdminService } from '../../src/admin/adminService.js';
import { createCustomClaims } from '../../src/groups/customClaims.js';
import { createGroupRepository } from '../../src/groups/groupRepository.js';
import type { Store } from '../../src/store/collection.js';

const CLI = { kind: 'cli' } as const;

/** Puts `email` in a new group `group` and gives them a custom claim, as an operator would. */
export async function joinGroupWithClaim(
  admin: AdminService,
  group: string,
  email: string,
): Promise<void> {
  await admin.groups.create(CLI, group);
  await admin.groups.addMember(CLI, group, email);
  await admin.groups.setUserClaim(CLI, email, 'department', 'research');
}

/** What the store still holds about the account in the groups module, read directly. */
export async function groupTraces(store: Store, accountId: string) {
  const groups = await createGroupRepository(store);
  const claims = await createCustomClaims(store);
  return {
    groups: (await groups.groupsOf(accountId)).map((g) => g.name),
    claims: await claims.of(`account:${accountId}`),
  };
}
