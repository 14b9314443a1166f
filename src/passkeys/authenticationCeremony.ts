import { randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticatorTransport,
} from '@simplewebauthn/server';
import { BadRequest, Forbidden } from '../http/errors.js';
import { CHALLENGE_TTL_MS } from './challengeRepository.js';
import type { StoredCredential } from './credentialRepository.js';
import type { PasskeyCeremonies, PasskeyDeps } from './passkeyCeremonies.js';
import { methodOf, withSignInMethod, type SignInMethod } from './signInMethod.js';
import { passkeyFailed, takeChallenge } from './takeChallenge.js';

/** Authentication options and verification (discoverable and email-first sign-in). */
export function authenticationCeremony(
  deps: PasskeyDeps,
): Pick<PasskeyCeremonies, 'authenticationOptions' | 'verifyAuthentication'> {
  const { rpId, origin } = deps;
  const unknownPasskey = () =>
    new BadRequest('unknown_passkey', `This passkey is not registered with ${deps.rpName}.`);
  return {
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
        deps.challenges,
        { clientDataJSON: response.response.clientDataJSON, binding, purpose: 'authentication' },
        origin,
      );
      const method = methodOf(challenge) as SignInMethod;
      return withSignInMethod(method, async () => {
        if (response.id !== response.rawId || challenge.unknownAccount) throw passkeyFailed();
        const credential = await deps.credentials.get(response.id);
        if (!credential) throw unknownPasskey();
        const account = await deps.accounts.get(credential.accountId);
        if (!account) throw unknownPasskey();
        const cloned = async (reported: number, stored: number) => {
          await deps.audit.record({
            type: 'counter_regression',
            accountId: account.id,
            credentialId: credential.id,
            detail: `counter ${reported} after ${stored}`,
            ...from,
          });
          return new Forbidden(
            'passkey_cloned',
            'This passkey reported an out-of-date counter, which can mean it was copied. Use another passkey.',
          );
        };
        const fail = async (detail: string) => {
          await deps.audit.record({
            type: 'signin_failed',
            accountId: account.id,
            credentialId: credential.id,
            detail,
            ...from,
          });
          return passkeyFailed();
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
            expectedOrigin: origin,
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
        const reported = info.newCounter;
        const regressed = (stored: number) => (reported > 0 || stored > 0) && reported <= stored;
        if (regressed(credential.counter)) throw await cloned(reported, credential.counter);
        if (account.disabled)
          throw new Forbidden(
            'account_disabled',
            'This account is disabled. Contact the people who run this service.',
          );
        const use = {
          counter: info.newCounter,
          backupState: info.credentialBackedUp,
          lastUsedAt: Date.now(),
        };
        // Compare-and-set on the counter read: a passkey deleted meanwhile stays deleted, and of
        // two assertions carrying the same counter (a cloned authenticator) only one counts.
        if (!(await deps.credentials.recordUse(credential.id, use, credential.counter))) {
          const now = await deps.credentials.get(credential.id);
          if (!now) throw unknownPasskey();
          if (regressed(now.counter)) throw await cloned(reported, now.counter);
          if (!(await deps.credentials.recordUse(credential.id, use, now.counter)))
            throw passkeyFailed();
        }
        const updated: StoredCredential = { ...credential, ...use };
        return {
          account,
          credential: updated,
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
