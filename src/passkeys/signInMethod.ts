import type { Challenge } from './challengeRepository.js';

/** How a person signed in: passkey without an email, email first, or by creating an account. */
export type SignInMethod = 'discoverable' | 'email-first' | 'signup';

/** The sign-in method a consumed challenge stands for; `undefined` for adding a passkey. */
export function methodOf(challenge: Challenge): SignInMethod | undefined {
  if (challenge.purpose === 'registration') return challenge.pending ? 'signup' : undefined;
  return challenge.accountId || challenge.unknownAccount ? 'email-first' : 'discoverable';
}

const failedMethods = new WeakMap<object, SignInMethod>();

/**
 * Runs the part of a verification that follows taking its challenge; an error it throws is
 * marked with the sign-in method, so {@link failedSignInMethod} can tell what kind of sign-in
 * failed (the challenge, not the request, knows whether an email came first).
 */
export async function withSignInMethod<R>(
  method: SignInMethod | undefined,
  run: () => Promise<R>,
): Promise<R> {
  try {
    return await run();
  } catch (err) {
    if (method && typeof err === 'object' && err !== null) failedMethods.set(err, method);
    throw err;
  }
}

/** The sign-in method of a failed verification, when it got as far as its challenge. */
export function failedSignInMethod(err: unknown): SignInMethod | undefined {
  return typeof err === 'object' && err !== null ? failedMethods.get(err) : undefined;
}
