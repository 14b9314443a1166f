import type { Store } from '../store/collection.js';
import { isActivated, keysCollection, orderKeys } from './keyMaterial.js';
import type { StoredKey } from './storedKey.js';

/**
 * Where a key stands: `next` is published but does not sign yet, `active` signs, `previous`
 * still verifies, `retiring` verifies until `retiresAt`, then the store forgets it.
 */
export type KeyStatus = 'next' | 'active' | 'previous' | 'retiring';

/** What may be shown about a key: never its private part or secret. */
export interface KeyInfo {
  id: string;
  kind: StoredKey['kind'];
  /** Signing keys: algorithm and key id as published in the JWKS. */
  alg?: string;
  kid?: string;
  status: KeyStatus;
  createdAt: string;
  activatesAt?: string;
  retiresAt?: string;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Public facts about `keys` at `now`, grouped by kind and algorithm, signing key first. */
export function describeKeys(keys: StoredKey[], now = Date.now()): KeyInfo[] {
  const groups = new Map<string, StoredKey[]>();
  for (const key of keys) {
    const group = `${key.kind}:${key.jwk?.alg ?? ''}`;
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  const kindOrder = ['signing', 'cookie', 'hmac'];
  const sorted = [...groups.entries()].sort(
    ([a], [b]) =>
      kindOrder.indexOf(a.split(':')[0] ?? '') - kindOrder.indexOf(b.split(':')[0] ?? '') ||
      a.localeCompare(b),
  );
  return sorted.flatMap(([, group]) =>
    orderKeys(group, now).map((key, index): KeyInfo => {
      const status: KeyStatus = !isActivated(key, now)
        ? 'next'
        : index === 0
          ? 'active'
          : key.expiresAt !== undefined
            ? 'retiring'
            : 'previous';
      const info: KeyInfo = {
        id: key.id,
        kind: key.kind,
        status,
        createdAt: iso(key.createdAt)!,
      };
      if (key.jwk) Object.assign(info, { alg: key.jwk.alg, kid: key.jwk.kid });
      if (key.activatesAt !== undefined) info.activatesAt = iso(key.activatesAt);
      if (key.expiresAt !== undefined) info.retiresAt = iso(key.expiresAt);
      return info;
    }),
  );
}

/** Every live key of the store, described (for `sesame keys list`). */
export async function listKeys(store: Store, now = Date.now()): Promise<KeyInfo[]> {
  const col = await keysCollection(store);
  const keys: StoredKey[] = [];
  for await (const key of col.all()) keys.push(key);
  return describeKeys(keys, now);
}
