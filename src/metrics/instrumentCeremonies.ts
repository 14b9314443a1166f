import { HttpError } from '../http/errors.js';
import type { PasskeyCeremonies } from '../passkeys/passkeyCeremonies.js';
import { failedSignInMethod, type SignInMethod } from '../passkeys/signInMethod.js';
import type { Metrics } from './createMetrics.js';

/** `success`, or the error code the person was shown (a fixed vocabulary), or `error`. */
function outcomeOf(err: unknown): string {
  return err instanceof HttpError && /^[a-z_]{1,40}$/.test(err.code) ? err.code : 'error';
}

/**
 * Times every ceremony step (`sesame_passkey_ceremony_duration_seconds`) and counts sign-ins
 * by method and outcome (`sesame_signins_total`): authentications, and registrations that
 * create an account. The method comes from the verification's result, or from its error when
 * it failed after taking its challenge.
 */
export function instrumentCeremonies(
  inner: PasskeyCeremonies,
  metrics: Metrics,
): PasskeyCeremonies {
  async function timed<R>(
    ceremony: 'authentication' | 'registration',
    step: 'options' | 'verify',
    run: () => Promise<R>,
    methodOf: (result: R) => SignInMethod | undefined = () => undefined,
  ): Promise<R> {
    const started = performance.now();
    let outcome = 'success';
    let method: SignInMethod | undefined;
    try {
      const result = await run();
      method = methodOf(result);
      return result;
    } catch (err) {
      outcome = outcomeOf(err);
      method = failedSignInMethod(err);
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.ceremonyDuration.observe(
        { ceremony, step, outcome: outcome === 'success' ? 'success' : 'failure' },
        seconds,
      );
      if (step === 'verify') {
        const counted = method ?? (ceremony === 'authentication' ? 'unknown' : undefined);
        if (counted) metrics.signIns.inc({ method: counted, outcome });
      }
    }
  }
  return {
    registrationOptions: (input) =>
      timed('registration', 'options', () => inner.registrationOptions(input)),
    verifyRegistration: (input) =>
      timed(
        'registration',
        'verify',
        () => inner.verifyRegistration(input),
        (r) => r.method,
      ),
    authenticationOptions: (input) =>
      timed('authentication', 'options', () => inner.authenticationOptions(input)),
    verifyAuthentication: (input) =>
      timed(
        'authentication',
        'verify',
        () => inner.verifyAuthentication(input),
        (r) => r.method,
      ),
  };
}
