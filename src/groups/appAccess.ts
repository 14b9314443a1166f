import type { GroupRepository } from './groupRepository.js';

/** The groups an app is restricted to (client metadata `allowed_groups`); empty: everyone. */
export function allowedGroupsOf(metadata: Record<string, unknown>): string[] {
  const value = metadata.allowed_groups;
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}

/** Decides whether a person may use an app. */
export type AppAccess = (accountId: string, metadata: Record<string, unknown>) => Promise<boolean>;

/**
 * SPEC.md §11: an app with allowed groups admits only their members; any other app admits
 * everyone. Read from the store at every call, so a removal counts at once.
 */
export function createAppAccess(groups: GroupRepository): AppAccess {
  return async (accountId, metadata) => {
    const allowed = allowedGroupsOf(metadata);
    if (allowed.length === 0) return true;
    const mine = await groups.groupsOf(accountId);
    return mine.some((g) => allowed.includes(g.name));
  };
}
