import { createSessionDevices } from './account/sessionDevices.js';
import { createAccountRepository } from './accounts/accountRepository.js';
import { createAuditLog } from './accounts/auditLog.js';
import { createRecoveryTokens } from './accounts/recoveryTokens.js';
import { createSignupCodes } from './accounts/signupCodes.js';
import { createCustomClaims } from './groups/customClaims.js';
import { createGroupRepository } from './groups/groupRepository.js';
import { createRateLimiter } from './http/rateLimiter.js';
import { createChallengeRepository } from './passkeys/challengeRepository.js';
import { createCredentialRepository } from './passkeys/credentialRepository.js';
import type { Store } from './store/collection.js';

/**
 * Every repository Sesame's routes and provider share, over one store (`secret` keys the
 * sign-up code hashes). Only `createApp` (the composition root) calls it.
 */
export async function createRepositories(store: Store, secret: string) {
  const [accounts, credentials, challenges, audit, signupCodes, limiter] = await Promise.all([
    createAccountRepository(store),
    createCredentialRepository(store),
    createChallengeRepository(store),
    createAuditLog(store),
    createSignupCodes(store, secret),
    createRateLimiter(store),
  ]);
  const recoveryTokens = await createRecoveryTokens(store);
  const groups = await createGroupRepository(store);
  const customClaims = await createCustomClaims(store);
  const devices = await createSessionDevices(store);
  return {
    accounts,
    credentials,
    challenges,
    audit,
    signupCodes,
    limiter,
    recoveryTokens,
    groups,
    customClaims,
    devices,
  };
}
