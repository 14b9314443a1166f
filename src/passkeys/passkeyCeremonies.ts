import { randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { Account, AccountRepository } from '../accounts/accountRepository.js';
import type { AuditLog, RequestOrigin } from '../accounts/auditLog.js';
import { BadRequest, Forbidden } from '../http/errors.js';
import type { CeremonyFacts } from './authenticationContext.js';
import {
  CHALLENGE_TTL_MS,
  type Challenge,
  type ChallengeRepository,
  type PendingAccount,
} from './challengeRepository.js';
import type { CredentialRepository, StoredCredential } from './credentialRepository.js';
import { readClientData } from './readClientData.js';
import type { AuthenticationResponse, RegistrationResponse } from './webauthnSchemas.js';

/** Exactly the algorithms offered and accepted (SPEC.md §6): EdDSA, ES256, RS256. */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

/** One allowed credential in an email-first sign-in. */
export interface AllowedCredential {
  id: string;
  transports?: string[];
}

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
   * attestation and returns the credential to store (not yet stored) with the challenge.
   */
  verifyRegistration(input: {
    binding: string;
    response: RegistrationResponse;
  }): Promise<{ challenge: Challenge; credential: StoredCredential; facts: CeremonyFacts }>;
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
  }): Promise<{ account: Account; credential: StoredCredential; facts: CeremonyFacts }>;
}

export interface PasskeyDeps {
  rpId: string;
  rpName: string;
  origin: string;
  /** `RELATED_ORIGINS`: also accepted as the origin of a ceremony. */
  relatedOrigins?: readonly string[];
  accounts: AccountRepository;
  credentials: CredentialRepository;
  challenges: ChallengeRepository;
  audit: AuditLog;
}

const expired = () =>
  new BadRequest(
    'challenge_expired',
    'This attempt has expired or was already used. Please try again.',
  );
const failed = () =>
  new BadRequest('passkey_failed', 'That passkey could not be verified. Please try again.');

/** Builds the WebAuthn ceremonies over the stores (SimpleWebAuthn does the cryptography). */
export function createPasskeyCeremonies(deps: PasskeyDeps): PasskeyCeremonies {
  const { rpId } = deps;
  const origins = [deps.origin, ...(deps.relatedOrigins ?? [])];

  async function takeChallenge(
    clientDataJSON: string,
    binding: string,
    purpose: Challenge['purpose'],
    expectedType: string,
  ): Promise<Challenge> {
    const clientData = readClientData(clientDataJSON);
    // Consumed before any other check, so a challenge is single-use whatever happens next.
    const challenge = await deps.challenges.consume(clientData.challenge);
    if (!challenge || challenge.binding !== binding || challenge.purpose !== purpose)
      throw expired();
    if (clientData.type !== expectedType || !origins.includes(clientData.origin)) throw failed();
    return challenge;
  }

  return {
    async registrationOptions({ binding, user, exclude, pending }) {
      const options = await generateRegistrationOptions({
        rpName: deps.rpName,
        rpID: rpId,
        userID: new TextEncoder().encode(user.accountId),
        userName: user.email,
        userDisplayName: user.name,
        challenge: randomBytes(32),
        timeout: CHALLENGE_TTL_MS,
        attestationType: 'none',
        excludeCredentials: exclude.map((c) => ({ id: c.id, transports: c.transports })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
      });
      await deps.challenges.save({
        id: options.challenge,
        purpose: 'registration',
        binding,
        accountId: user.accountId,
        ...(pending ? { pending } : {}),
        expiresAt: Date.now() + CHALLENGE_TTL_MS,
      });
      return options;
    },

    async verifyRegistration({ binding, response }) {
      const challenge = await takeChallenge(
        response.response.clientDataJSON,
        binding,
        'registration',
        'webauthn.create',
      );
      if (response.id !== response.rawId) throw failed();
      let info;
      try {
        const result = await verifyRegistrationResponse({
          response: response as Parameters<typeof verifyRegistrationResponse>[0]['response'],
          expectedChallenge: challenge.id,
          expectedOrigin: origins,
          expectedRPID: rpId,
          expectedType: 'webauthn.create',
          requireUserPresence: true,
          requireUserVerification: true,
          supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
        });
        if (!result.verified) throw failed();
        info = result.registrationInfo;
      } catch {
        throw failed();
      }
      const now = Date.now();
      const credential: StoredCredential = {
        id: info.credential.id,
        accountId: challenge.accountId ?? '',
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: response.response.transports ?? [],
        aaguid: info.aaguid,
        backupEligible: info.credentialDeviceType === 'multiDevice',
        backupState: info.credentialBackedUp,
        createdAt: now,
        lastUsedAt: now,
        name: 'Passkey',
      };
      return {
        challenge,
        credential,
        facts: {
          userPresent: true,
          userVerified: info.userVerified,
          backupEligible: credential.backupEligible,
        },
      };
    },

    async authenticationOptions({ binding, allow }) {
      const options = await generateAuthenticationOptions({
        rpID: rpId,
        challenge: randomBytes(32),
        timeout: CHALLENGE_TTL_MS,
        userVerification: 'required',
        allowCredentials:
          allow?.credentials.map((c) => ({ id: c.id, transports: c.transports })) ?? [],
      });
      await deps.challenges.save({
        id: options.challenge,
        purpose: 'authentication',
        binding,
        ...(allow?.accountId ? { accountId: allow.accountId } : {}),
        ...(allow && !allow.accountId ? { unknownAccount: true } : {}),
        expiresAt: Date.now() + CHALLENGE_TTL_MS,
      });
      return options;
    },

    async verifyAuthentication({ binding, response, origin: from }) {
      const challenge = await takeChallenge(
        response.response.clientDataJSON,
        binding,
        'authentication',
        'webauthn.get',
      );
      if (response.id !== response.rawId || challenge.unknownAccount) throw failed();
      const credential = await deps.credentials.get(response.id);
      if (!credential) {
        throw new BadRequest(
          'unknown_passkey',
          `This passkey is not registered with ${deps.rpName}.`,
        );
      }
      const account = await deps.accounts.get(credential.accountId);
      if (!account)
        throw new BadRequest(
          'unknown_passkey',
          `This passkey is not registered with ${deps.rpName}.`,
        );
      const fail = async (detail: string) => {
        await deps.audit.record({
          type: 'signin_failed',
          accountId: account.id,
          credentialId: credential.id,
          detail,
          ...from,
        });
        return failed();
      };
      if (challenge.accountId && challenge.accountId !== account.id)
        throw await fail('passkey of another account');
      const userHandle = response.response.userHandle;
      if (
        userHandle !== undefined &&
        Buffer.from(userHandle, 'base64url').toString('utf8') !== account.id
      ) {
        throw await fail('user handle does not match the passkey');
      }
      let info;
      try {
        const result = await verifyAuthenticationResponse({
          response: response as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
          expectedChallenge: challenge.id,
          expectedOrigin: origins,
          expectedRPID: rpId,
          expectedType: 'webauthn.get',
          requireUserVerification: true,
          // The counter is checked below, after the signature, so only a genuinely signed
          // regression (a cloned authenticator) is audited as one.
          credential: {
            id: credential.id,
            publicKey: Buffer.from(credential.publicKey, 'base64url'),
            counter: 0,
            transports: credential.transports as AuthenticatorTransport[],
          },
        });
        if (!result.verified) throw new Error('not verified');
        info = result.authenticationInfo;
      } catch (err) {
        throw await fail(`assertion rejected: ${(err as Error).message.slice(0, 120)}`);
      }
      if (
        (info.newCounter > 0 || credential.counter > 0) &&
        info.newCounter <= credential.counter
      ) {
        await deps.audit.record({
          type: 'counter_regression',
          accountId: account.id,
          credentialId: credential.id,
          detail: `counter ${info.newCounter} after ${credential.counter}`,
          ...from,
        });
        throw new Forbidden(
          'passkey_cloned',
          'This passkey reported an out-of-date counter, which can mean it was copied. Use another passkey.',
        );
      }
      if (account.disabled) throw new Forbidden('account_disabled', 'This account is disabled.');
      const updated: StoredCredential = {
        ...credential,
        counter: info.newCounter,
        backupState: info.credentialBackedUp,
        lastUsedAt: Date.now(),
      };
      await deps.credentials.update(updated);
      return {
        account,
        credential: updated,
        facts: {
          userPresent: true,
          userVerified: info.userVerified,
          backupEligible: credential.backupEligible,
        },
      };
    },
  };
}
