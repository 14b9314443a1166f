import { BadRequest } from '../http/errors.js';
import type { Challenge, ChallengeRepository } from './challengeRepository.js';
import { readClientData } from './readClientData.js';

/** The error for a challenge that is unknown, used, expired or bound to something else. */
export const challengeExpired = () =>
  new BadRequest(
    'challenge_expired',
    'This attempt has expired or was already used. Please try again.',
  );

/** The error for a response that does not verify; the page says only this, never why. */
export const passkeyFailed = () =>
  new BadRequest('passkey_failed', 'That passkey could not be verified. Please try again.');

/**
 * Consumes the challenge a WebAuthn response names, before any other check (so a challenge is
 * single-use whatever happens next), then requires its binding and purpose and the client
 * data's type and origin.
 */
export async function takeChallenge(
  challenges: ChallengeRepository,
  expected: { clientDataJSON: string; binding: string; purpose: Challenge['purpose'] },
  origin: string,
): Promise<Challenge> {
  const clientData = readClientData(expected.clientDataJSON);
  const challenge = await challenges.consume(clientData.challenge);
  if (
    !challenge ||
    challenge.binding !== expected.binding ||
    challenge.purpose !== expected.purpose
  )
    throw challengeExpired();
  const type = expected.purpose === 'registration' ? 'webauthn.create' : 'webauthn.get';
  if (clientData.type !== type || clientData.origin !== origin) throw passkeyFailed();
  return challenge;
}
