import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Collection, Doc, Store } from '../store/collection.js';
import { BadRequest } from '../http/errors.js';

/** Sign-up codes live 15 minutes and allow 5 tries. */
export const SIGNUP_CODE_TTL_MS = 15 * 60 * 1000;
export const SIGNUP_CODE_MAX_TRIES = 5;

/** A pending sign-up bound to one interaction. Only a keyed hash of the code is stored. */
export interface SignupCode extends Doc {
  email: string;
  name: string;
  codeHash: string;
  /** The email already has an account: no code was mailed and every code is refused. */
  taken: boolean;
  expiresAt: number;
}

export interface SignupCodes {
  /** Starts (or restarts) the sign-up for `binding`; returns the 6-digit code to mail. */
  issue(input: { binding: string; email: string; name: string; taken: boolean }): Promise<string>;
  /** The pending sign-up, if any. */
  pending(binding: string): Promise<SignupCode | undefined>;
  /**
   * Checks a code without consuming it; every try counts (shared across processes), and after
   * {@link SIGNUP_CODE_MAX_TRIES} the sign-up is dropped and must be started again.
   */
  check(binding: string, code: string): Promise<SignupCode>;
  /** Atomically takes the pending sign-up (once). */
  consume(binding: string): Promise<SignupCode | undefined>;
}

/** Opens the `signup_codes` collection and the shared `attempts` counters. */
export async function createSignupCodes(store: Store, secret: string): Promise<SignupCodes> {
  const codes: Collection<SignupCode> = await store.collection<SignupCode>({
    name: 'signup_codes',
  });
  const attempts = await store.collection({ name: 'attempts' });
  const id = (binding: string) => `signup:${binding}`;
  const hash = (binding: string, code: string) =>
    createHmac('sha256', secret).update(`${binding}:${code}`).digest('base64url');
  const wrong = () =>
    new BadRequest('wrong_code', 'That code is not right. Check the email we sent and try again.');

  return {
    async issue({ binding, email, name, taken }) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const expiresAt = Date.now() + SIGNUP_CODE_TTL_MS;
      await codes.upsert({
        id: id(binding),
        email,
        name,
        taken,
        codeHash: hash(binding, code),
        expiresAt,
      });
      await attempts.delete(id(binding));
      return code;
    },
    pending: (binding) => codes.get(id(binding)),
    async check(binding, code) {
      const pending = await codes.get(id(binding));
      if (!pending) {
        throw new BadRequest(
          'code_expired',
          'This code has expired. Start again to get a new one.',
        );
      }
      const tries = await attempts.increment(id(binding), pending.expiresAt);
      if (tries > SIGNUP_CODE_MAX_TRIES) {
        await codes.delete(id(binding));
        throw new BadRequest('code_locked', 'Too many wrong codes. Start again to get a new one.');
      }
      const expected = Buffer.from(pending.codeHash);
      const given = Buffer.from(hash(binding, code));
      if (pending.taken || expected.length !== given.length || !timingSafeEqual(expected, given))
        throw wrong();
      return pending;
    },
    consume: (binding) => codes.consume(id(binding)),
  };
}
