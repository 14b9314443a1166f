import type { AccountRepository } from '../accounts/accountRepository.js';
import type { CredentialRepository } from './credentialRepository.js';

/** A credential younger than this may belong to a sign-up that is still finishing. */
const GRACE_MS = 5 * 60 * 1000;

/**
 * Removes credentials whose account does not exist. Sign-up stores the credential first and
 * the account second (and removes the credential if the account fails), so only a process
 * killed between the two writes leaves one behind; this runs at start to clean that up.
 * Returns how many were removed.
 */
export async function sweepOrphanCredentials(
  credentials: CredentialRepository,
  accounts: AccountRepository,
  now = Date.now(),
): Promise<number> {
  let removed = 0;
  const known = new Map<string, boolean>();
  for await (const credential of credentials.all()) {
    if (now - credential.createdAt < GRACE_MS) continue;
    let exists = known.get(credential.accountId);
    if (exists === undefined) {
      exists = Boolean(await accounts.get(credential.accountId));
      known.set(credential.accountId, exists);
    }
    if (!exists && (await credentials.delete(credential.id))) removed++;
  }
  return removed;
}
