import type { Doc, Store } from '../store/collection.js';

/** Challenges live five minutes (SPEC.md §6). */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** A pending account created by a registration ceremony at sign-up. */
export interface PendingAccount {
  accountId: string;
  email: string;
  name: string;
}

/**
 * An issued WebAuthn challenge. Its `id` is the challenge itself, so the response's
 * clientDataJSON names the document to consume; `binding` ties it to the interaction or
 * account action that asked for it.
 */
export interface Challenge extends Doc {
  purpose: 'registration' | 'authentication';
  binding: string;
  /** Email-first sign-in: the account the allowCredentials list belonged to (absent for fakes). */
  accountId?: string;
  /** Email-first sign-in for an address with no account: any assertion must fail. */
  unknownAccount?: boolean;
  /** Sign-up: the account the registration creates. */
  pending?: PendingAccount;
  expiresAt: number;
}

export interface ChallengeRepository {
  save(challenge: Challenge): Promise<void>;
  /** Atomically removes and returns the challenge; a second call gets `undefined`. */
  consume(id: string): Promise<Challenge | undefined>;
}

/** Opens the `challenges` collection. */
export async function createChallengeRepository(store: Store): Promise<ChallengeRepository> {
  const col = await store.collection<Challenge>({ name: 'challenges' });
  return { save: (c) => col.insert(c), consume: (id) => col.consume(id) };
}
