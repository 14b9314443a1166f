import type { FindAccount } from 'oidc-provider';
import type { AccountRepository } from '../accounts/accountRepository.js';

/**
 * oidc-provider's `findAccount`: claims come from the store at the time of the call, and a
 * disabled or deleted account yields nothing (so its sessions and tokens stop working).
 */
export function createFindAccount(accounts: AccountRepository): FindAccount {
  return async (_ctx, sub) => {
    const account = await accounts.get(sub);
    if (!account || account.disabled) return undefined;
    return {
      accountId: account.id,
      claims: () => ({
        sub: account.id,
        email: account.email,
        email_verified: account.emailVerified,
        name: account.name,
      }),
    };
  };
}
