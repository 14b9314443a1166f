import type { CustomClaims } from './customClaims.js';
import type { GroupRepository } from './groupRepository.js';

/** What Sesame releases about a person beyond the account itself. */
export interface ResolvedClaims {
  /** Names of the person's groups, sorted. */
  groups: string[];
  /** Custom claims: the person's own values over their groups' values. */
  custom: Record<string, unknown>;
}

/** Resolves a person's groups and custom claims at the time of the call. */
export type ClaimResolver = (accountId: string) => Promise<ResolvedClaims>;

/**
 * SPEC.md §11 precedence: a person's value wins over any group's; between groups, the group
 * whose name sorts first wins (so the outcome never depends on when memberships were added).
 */
export function createClaimResolver(groups: GroupRepository, claims: CustomClaims): ClaimResolver {
  return async (accountId) => {
    const mine = await groups.groupsOf(accountId);
    const [own, ...fromGroups] = await Promise.all([
      claims.of(`account:${accountId}`),
      ...mine.map((g) => claims.of(`group:${g.id}`)),
    ]);
    const custom: Record<string, unknown> = {};
    for (const values of fromGroups.reverse()) Object.assign(custom, values);
    Object.assign(custom, own);
    return { groups: mine.map((g) => g.name), custom };
  };
}
