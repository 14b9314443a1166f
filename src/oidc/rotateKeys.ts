import type { Store } from '../store/collection.js';
import { describeKeys, type KeyInfo } from './describeKeys.js';
import { keysCollection } from './keyMaterial.js';
import type { StoredKey } from './storedKey.js';
import { newSecretKey, newSigningKey, SIGNING_ALGORITHMS } from './newKeys.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** ID tokens and the other JWTs Sesame signs live at most this long (createProvider's `ttl.IdToken`). */
export const SIGNED_TOKEN_LIFETIME_MS = 60 * MINUTE;
/** Sessions live at most this long (createProvider's `ttl.Session`); their cookies must verify until then. */
export const SESSION_LIFETIME_MS = 14 * DAY;
/** Slack for an instance that starts using a key one poll late, and for clock skew. */
export const RETIRE_MARGIN_MS = 10 * MINUTE;
/**
 * How long a new key is published before it signs: long enough for every instance to pick it
 * up (they poll every 30 s), so no instance meets a token or cookie signed with a key it lacks.
 */
export const DEFAULT_ACTIVATION_DELAY_MS = 2 * MINUTE;

/** How long a superseded key of each kind stays after the new one activates. */
export const RETIRE_AFTER_MS = {
  signing: SIGNED_TOKEN_LIFETIME_MS + RETIRE_MARGIN_MS,
  cookie: SESSION_LIFETIME_MS + DAY,
} as const;

export type RotatableKind = keyof typeof RETIRE_AFTER_MS;

/** What a rotation did. */
export interface RotationResult {
  /** The new keys (status `next` until they activate). */
  created: KeyInfo[];
  /** The keys they supersede, with the time the store forgets them. */
  retiring: KeyInfo[];
}

/**
 * Rotates signing keys (one per algorithm) and/or the cookie key: the new keys are published
 * at once and sign from `now + activateInMs`; every key they supersede keeps verifying until
 * all it signed has expired (signing: token lifetime + margin; cookie: session lifetime + a
 * day), then expires out of the store. Running instances pick both steps up by polling.
 */
export async function rotateKeys(
  store: Store,
  options: { kinds?: RotatableKind[]; activateInMs?: number; now?: number } = {},
): Promise<RotationResult> {
  const now = options.now ?? Date.now();
  const activatesAt = now + Math.max(0, options.activateInMs ?? DEFAULT_ACTIVATION_DELAY_MS);
  const kinds = options.kinds ?? ['signing', 'cookie'];
  const col = await keysCollection(store);
  const created: StoredKey[] = [];
  const retiring: StoredKey[] = [];
  for (const kind of kinds) {
    // Only keys that existed before ours are superseded, so two rotations racing each other
    // can never leave a kind without a key that is allowed to sign.
    const previous = await col.list('kind', kind);
    const fresh =
      kind === 'signing'
        ? SIGNING_ALGORITHMS.map((alg) => newSigningKey(alg, { now, activatesAt }))
        : [newSecretKey('cookie', { now, activatesAt })];
    for (const key of fresh) await col.insert(key);
    created.push(...fresh);
    const retireAt = activatesAt + RETIRE_AFTER_MS[kind];
    for (const key of previous) {
      const expiresAt = Math.min(key.expiresAt ?? Infinity, retireAt);
      const updated = { ...key, expiresAt };
      if (expiresAt !== key.expiresAt) await col.upsert(updated);
      retiring.push(updated);
    }
  }
  return { created: describeKeys(created, now), retiring: describeKeys(retiring, now) };
}
