import { AsyncLocalStorage } from 'node:async_hooks';
import { HttpError } from '../http/errors.js';
import type { Challenge, ChallengeRepository } from '../passkeys/challengeRepository.js';
import type { PasskeyCeremonies } from '../passkeys/passkeyCeremonies.js';
import type { Metrics, SignInMethod } from './createMetrics.js';

/** What a verification learned from the challenge it consumed (set by {@link observeChallenges}). */
interface Observed {
  method?: SignInMethod;
}
const observed = new AsyncLocalStorage<Observed>();

/** The sign-in method a consumed challenge stands for; `undefined` for adding a passkey. */
function methodOf(challenge: Challenge): SignInMethod | undefined {
  if (challenge.purpose === 'registration') return challenge.pending ? 'signup' : undefined;
  return challenge.accountId || challenge.unknownAccount ? 'email-first' : 'discoverable';
}

/**
 * Wraps the challenge repository the ceremonies consume from, so that the verification in
 * progress learns which kind of sign-in its challenge was issued for (the challenge, not the
 * request, knows whether an email came first), without another store read.
 */
export function observeChallenges(challenges: ChallengeRepository): ChallengeRepository {
  return {
    save: (challenge) => challenges.save(challenge),
    async consume(id) {
      const challenge = await challenges.consume(id);
      const slot = observed.getStore();
      if (slot && challenge) slot.method = methodOf(challenge);
      return challenge;
    },
  };
}

/** `success`, or the error code the person was shown (a fixed vocabulary), or `error`. */
function outcomeOf(err: unknown): string {
  return err instanceof HttpError && /^[a-z_]{1,40}$/.test(err.code) ? err.code : 'error';
}

/**
 * Times every ceremony step (`sesame_passkey_ceremony_duration_seconds`) and counts sign-ins
 * by method and outcome (`sesame_signins_total`): authentications, and registrations that
 * create an account. Pair with {@link observeChallenges} on the same ceremonies' repository.
 */
export function instrumentCeremonies(
  inner: PasskeyCeremonies,
  metrics: Metrics,
): PasskeyCeremonies {
  async function timed<R>(
    ceremony: 'authentication' | 'registration',
    step: 'options' | 'verify',
    run: () => Promise<R>,
  ): Promise<R> {
    const slot: Observed = {};
    const started = performance.now();
    let outcome = 'success';
    try {
      return await observed.run(slot, run);
    } catch (err) {
      outcome = outcomeOf(err);
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.ceremonyDuration.observe(
        { ceremony, step, outcome: outcome === 'success' ? 'success' : 'failure' },
        seconds,
      );
      if (step === 'verify') {
        const method = slot.method ?? (ceremony === 'authentication' ? 'unknown' : undefined);
        if (method) metrics.signIns.inc({ method, outcome });
      }
    }
  }
  return {
    registrationOptions: (input) =>
      timed('registration', 'options', () => inner.registrationOptions(input)),
    verifyRegistration: (input) =>
      timed('registration', 'verify', () => inner.verifyRegistration(input)),
    authenticationOptions: (input) =>
      timed('authentication', 'options', () => inner.authenticationOptions(input)),
    verifyAuthentication: (input) =>
      timed('authentication', 'verify', () => inner.verifyAuthentication(input)),
  };
}
