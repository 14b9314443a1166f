import type { Account } from '../accounts/accountRepository.js';
import {
  acceptedCredentialsSignal,
  userDetailsSignal,
  type PasskeySignals,
} from '../passkeys/passkeySignals.js';
import type { AccountDeps } from './accountDeps.js';

/**
 * What `/account` signals to the browser's passkey manager on every visit: the passkeys still
 * on the account (so one deleted here disappears there too) and the current email and name
 * (so a name change shows there too).
 */
export async function accountSignals(
  deps: Pick<AccountDeps, 'credentials' | 'rpId'>,
  account: Account,
): Promise<PasskeySignals> {
  const ids = (await deps.credentials.forAccount(account.id)).map((c) => c.id);
  return {
    allAcceptedCredentials: acceptedCredentialsSignal(deps.rpId, account.id, ids),
    currentUserDetails: userDetailsSignal(deps.rpId, account),
  };
}
