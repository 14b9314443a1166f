import type { Store } from '../store/collection.js';
import { TooManyRequests } from './errors.js';

/** One limit: at most `max` hits per `windowMs` for a key. */
export interface Limit {
  max: number;
  windowMs: number;
}

/** Rate limits kept in the store, so every process and instance sharing it shares them. */
export interface RateLimiter {
  /** Counts a hit for `key` and throws 429 (with Retry-After) once it exceeds `limit`. */
  hit(key: string, limit: Limit): Promise<void>;
  /** Throws 429 (with Retry-After) if `key` has used up `limit`, without counting a hit. */
  check(key: string, limit: Limit): Promise<void>;
}

/** Fixed-window counters in the `rate_limits` collection, one atomic increment per hit. */
export async function createRateLimiter(store: Store): Promise<RateLimiter> {
  const counters = await store.collection<{ id: string; count?: number }>({
    name: 'rate_limits',
  });
  const bucket = (key: string, limit: Limit, now: number) => {
    const window = Math.floor(now / limit.windowMs);
    return { id: `${key}:${limit.windowMs}:${window}`, expiresAt: (window + 1) * limit.windowMs };
  };
  return {
    async hit(key, limit) {
      const now = Date.now();
      const { id, expiresAt } = bucket(key, limit, now);
      const count = await counters.increment(id, expiresAt);
      if (count > limit.max) throw new TooManyRequests((expiresAt - now) / 1000);
    },
    async check(key, limit) {
      const now = Date.now();
      const { id, expiresAt } = bucket(key, limit, now);
      const count = (await counters.get(id))?.count ?? 0;
      if (count >= limit.max) throw new TooManyRequests((expiresAt - now) / 1000);
    },
  };
}

/** The limits of the sign-in, sign-up and recovery endpoints (SPEC.md §8). */
export interface Limits {
  /** Passkey options and assertion checks, per client IP. */
  ceremonyPerIp: Limit;
  /** Email-first sign-in options, per email address (same for known and unknown emails). */
  signInPerEmail: Limit;
  /** Sign-up and recovery mails, per mailbox (plus-addressed variants of an address count together). */
  mailPerEmail: Limit;
  /** Sign-up and recovery mails, per client IP. */
  mailPerIp: Limit;
  /** Sign-up code guesses, per client IP (each code also locks after 5 tries). */
  codePerIp: Limit;
  /** New interactions (sign-in pages stored by authorization requests), per client IP. */
  interactionsPerIp: Limit;
  /** Failed client authentications at the token endpoints, per client IP. */
  clientAuthPerIp: Limit;
  /** Failed client authentications at the token endpoints, per client id (from any address). */
  clientAuthPerClient: Limit;
}

/** Production limits. Tests of other features pass looser ones through `createApp`. */
export const DEFAULT_LIMITS: Limits = {
  ceremonyPerIp: { max: 120, windowMs: 60_000 },
  signInPerEmail: { max: 20, windowMs: 15 * 60_000 },
  mailPerEmail: { max: 5, windowMs: 15 * 60_000 },
  mailPerIp: { max: 20, windowMs: 15 * 60_000 },
  codePerIp: { max: 30, windowMs: 15 * 60_000 },
  interactionsPerIp: { max: 60, windowMs: 60_000 },
  clientAuthPerIp: { max: 20, windowMs: 15 * 60_000 },
  clientAuthPerClient: { max: 100, windowMs: 15 * 60_000 },
};

/**
 * `limits` with every allowance multiplied by `factor` (windows unchanged). Only for load tests
 * (`BENCH_RATE_LIMIT_MULTIPLIER`): the limiter still counts every hit, it just never refuses.
 */
export function scaleLimits(limits: Limits, factor: number): Limits {
  const scaled = {} as Limits;
  for (const [name, limit] of Object.entries(limits) as [keyof Limits, Limit][]) {
    scaled[name] = { max: limit.max * factor, windowMs: limit.windowMs };
  }
  return scaled;
}
