import { randomBytes } from 'node:crypto';
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import { authenticatorName } from './authenticatorName.js';
import { CHALLENGE_TTL_MS } from './challengeRepository.js';
import type { StoredCredential } from './credentialRepository.js';
import {
  SUPPORTED_ALGORITHMS,
  type PasskeyCeremonies,
  type PasskeyDeps,
} from './passkeyCeremonies.js';
import { methodOf, withSignInMethod } from './signInMethod.js';
import { passkeyFailed, takeChallenge } from './takeChallenge.js';

/** Registration options and verification (sign-up, recovery, adding a passkey). */
export function registrationCeremony(
  deps: PasskeyDeps,
): Pick<PasskeyCeremonies, 'registrationOptions' | 'verifyRegistration'> {
  const { rpId } = deps;
  const origins = [deps.origin, ...(deps.relatedOrigins ?? [])];
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
        deps.challenges,
        { clientDataJSON: response.response.clientDataJSON, binding, purpose: 'registration' },
        origins,
      );
      const method = methodOf(challenge);
      return withSignInMethod(method, async () => {
        if (response.id !== response.rawId) throw passkeyFailed();
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
          if (!result.verified) throw new Error('registration not verified');
          info = result.registrationInfo;
        } catch (err) {
          // SimpleWebAuthn's reason is for operators; the page only says it did not verify.
          deps.logger.info({ err }, 'passkey registration rejected');
          throw passkeyFailed();
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
          // The authenticator's name when its AAGUID is known, else "Passkey".
          name: authenticatorName(info.aaguid),
        };
        return {
          challenge,
          credential,
          method,
          facts: {
            userPresent: true,
            userVerified: info.userVerified,
            backupEligible: credential.backupEligible,
          },
        };
      });
    },
  };
}
