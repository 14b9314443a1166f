import { errors, type FindAccount, type KoaContextWithOIDC } from 'oidc-provider';
import type { AccountRepository } from '../accounts/accountRepository.js';
import type { AppAccess } from '../groups/appAccess.js';
import type { ClaimResolver } from '../groups/resolveClaims.js';
import { CUSTOM_CLAIMS } from './releaseCustomClaims.js';
import { metadataOf } from './metadataOf.js';

/** What `findAccount` reads besides the account. */
export interface FindAccountDeps {
  accounts: AccountRepository;
  resolveClaims: ClaimResolver;
  appAccess: AppAccess;
}

/**
 * oidc-provider's `findAccount`: claims come from the store at the time of the call, and a
 * disabled or deleted account yields nothing (so its sessions and tokens stop working).
 * When a token is presented (code exchange, refresh, UserInfo), the person must still be
 * allowed to use that token's app: someone removed from the app's groups loses it at the next
 * refresh (`invalid_grant`) and at UserInfo.
 */
export function createFindAccount(deps: FindAccountDeps): FindAccount {
  return async (ctx, sub, token) => {
    const account = await deps.accounts.get(sub);
    if (!account || account.disabled) return undefined;
    if (token?.clientId && !(await mayUse(ctx, deps.appAccess, account.id, token.clientId))) {
      if (token.kind === 'AccessToken') return undefined;
      throw new errors.InvalidGrant('this person is no longer allowed to use this app');
    }
    return {
      accountId: account.id,
      async claims() {
        const { groups, custom } = await deps.resolveClaims(account.id);
        return {
          sub: account.id,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name,
          groups,
          [CUSTOM_CLAIMS]: custom,
        };
      },
    };
  };
}

async function mayUse(
  ctx: KoaContextWithOIDC,
  appAccess: AppAccess,
  accountId: string,
  clientId: string,
): Promise<boolean> {
  const client =
    ctx.oidc.client?.clientId === clientId
      ? ctx.oidc.client
      : await ctx.oidc.provider.Client.find(clientId);
  // A client that is gone issues nothing anyway; oidc-provider refuses it on its own.
  return client ? appAccess(accountId, metadataOf(client)) : true;
}
