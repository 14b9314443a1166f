import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { Account, AccountRepository } from '../accounts/accountRepository.js';
import type { AuditLog, RequestOrigin } from '../accounts/auditLog.js';
import type { Logger } from '../log/createLogger.js';
import type { CeremonyFacts } from './authenticationContext.js';
import type { Challenge, ChallengeRepository, PendingAccount } from './challengeRepository.js';
import type { CredentialRepository, StoredCredential } from './credentialRepository.js';
import type { SignInMethod } from './signInMethod.js';
import type { AuthenticationResponse, RegistrationResponse } from './webauthnSchemas.js';

/** Exactly the algorithms offered and accepted (SPEC.md §6): EdDSA, ES256, RS256. */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

/** One allowed credential in an email-first sign-in. */
export interface AllowedCredential {
  id: string;
  transports?: string[];
}

/** The WebAuthn ceremonies: options and verification, for registration and authentication. */
export interface PasskeyCeremonies {
  /** Registration options for `user`; the challenge is stored bound to `binding`. */
  registrationOptions(input: {
    binding: string;
    user: { accountId: string; email: string; name: string };
    exclude: StoredCredential[];
    pending?: PendingAccount;
  }): Promise<PublicKeyCredentialCreationOptionsJSON>;
  /**
   * Consumes the challenge named by the response (success or failure), verifies the
   * attestation and returns the credential to store (not yet stored) with the challenge and
   * the sign-in method (`signup`, or none when a passkey is added to an account).
   */
  verifyRegistration(input: { binding: string; response: RegistrationResponse }): Promise<{
    challenge: Challenge;
    credential: StoredCredential;
    facts: CeremonyFacts;
    method: SignInMethod | undefined;
  }>;
  /** Authentication options: discoverable when `allow` is absent, else email-first. */
  authenticationOptions(input: {
    binding: string;
    allow?: { accountId?: string; credentials: AllowedCredential[] };
  }): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /**
   * Consumes the challenge, verifies the assertion against the stored credential, enforces the
   * account rules (disabled, user handle, email-first account) and the counter, updates the
   * credential and returns who signed in and how.
   */
  verifyAuthentication(input: {
    binding: string;
    response: AuthenticationResponse;
    origin: RequestOrigin;
  }): Promise<{
    account: Account;
    credential: StoredCredential;
    facts: CeremonyFacts;
    method: SignInMethod;
  }>;
}

/** What the ceremonies need: the relying party and the stores. */
export interface PasskeyDeps {
  rpId: string;
  rpName: string;
  origin: string;
  accounts: AccountRepository;
  credentials: CredentialRepository;
  challenges: ChallengeRepository;
  audit: AuditLog;
  /** Where a rejected registration's reason goes (the page only says it failed). */
  logger: Logger;
}
