import type { CollectionSpec, Doc, Store } from '../store/collection.js';
import { GroupError } from './groupError.js';

/** Whose claim it is: a person (`account:<id>`) or a group (`group:<id>`). */
export type ClaimOwner = `account:${string}` | `group:${string}`;

/** One custom claim value; one document per claim, so setting two claims never races. */
export interface StoredClaim extends Doc {
  owner: ClaimOwner;
  name: string;
  /** The value as JSON text (the store keeps documents, and values may be any JSON). */
  json: string;
}

/** SPEC.md §11: names Sesame never lets an operator set. */
export const REFUSED_CLAIM_NAMES: ReadonlySet<string> = new Set([
  // JWT registered claims
  ...['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'],
  // OpenID Connect standard claims
  ...['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username'],
  ...['profile', 'picture', 'website', 'email', 'email_verified', 'gender', 'birthdate'],
  ...['zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at'],
  // what Sesame (or the OIDC machinery) issues itself
  ...['groups', 'acr', 'amr', 'auth_time', 'nonce', 'at_hash', 'c_hash', 'azp', 'sid'],
  ...['s_hash', '_claim_names', '_claim_sources', 'cnf', 'client_id', 'scope'],
]);

/** A claim name: a letter, then letters, digits and `_ - . : /` (URIs allowed), 100 at most. */
const CLAIM_NAME = /^[A-Za-z][A-Za-z0-9_.:/-]{0,99}$/;
/** The largest value, as JSON, in bytes. */
export const MAX_CLAIM_BYTES = 1024;
/** The most custom-claim JSON one person or group may carry, in bytes (ID tokens stay small). */
export const MAX_OWNER_CLAIM_BYTES = 4096;

/** The name, or a {@link GroupError} saying why it cannot be a custom claim. */
export function checkClaimName(name: string): string {
  if (REFUSED_CLAIM_NAMES.has(name)) {
    throw new GroupError(
      'invalid',
      `"${name}" cannot be a custom claim: it is a registered JWT or OpenID Connect claim, ` +
        'or one Sesame issues itself; choose another name',
    );
  }
  if (!CLAIM_NAME.test(name)) {
    throw new GroupError(
      'invalid',
      `"${name.slice(0, 80)}" is not a valid claim name: start with a letter, then use ` +
        'letters, digits, "_", "-", ".", ":" or "/" (100 characters at most)',
    );
  }
  return name;
}

/** Parses a value given as JSON text (the CLI's form) into the canonical JSON kept. */
export function parseClaimValue(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GroupError(
      'invalid',
      `the value must be JSON, e.g. '"engineering"' (a string in double quotes), 42, true, ` +
        `["a","b"] or {"k":"v"}; got ${text.slice(0, 60)}`,
    );
  }
  return value;
}

/** The value as JSON text, or a {@link GroupError} for `null` or one that is too large. */
export function encodeClaimValue(value: unknown): string {
  if (value === null || value === undefined)
    throw new GroupError('invalid', 'a claim value cannot be null: use unset-claim to remove it');
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json) > MAX_CLAIM_BYTES)
    throw new GroupError(
      'invalid',
      `the value is too large (${MAX_CLAIM_BYTES} bytes of JSON at most)`,
    );
  return json;
}

/** Custom claims of people and groups. */
export interface CustomClaims {
  /** Sets (or replaces) a claim; refuses a name, a value or a total size that is not allowed. */
  set(owner: ClaimOwner, name: string, value: unknown): Promise<void>;
  /** `true` if the claim existed. */
  unset(owner: ClaimOwner, name: string): Promise<boolean>;
  /** The owner's claims by name. */
  of(owner: ClaimOwner): Promise<Record<string, unknown>>;
  /** Removes every claim of the owner. */
  forget(owner: ClaimOwner): Promise<number>;
}

/** The collection's layout, for backups. */
export const CUSTOM_CLAIMS_SPEC: CollectionSpec = { name: 'custom_claims', indexed: ['owner'] };

/** Opens the `custom_claims` collection (indexed by `owner`). */
export async function createCustomClaims(store: Store): Promise<CustomClaims> {
  const col = await store.collection<StoredClaim>(CUSTOM_CLAIMS_SPEC);
  const id = (owner: ClaimOwner, name: string) => `${owner}:${name}`;
  return {
    async set(owner, name, value) {
      checkClaimName(name);
      const json = encodeClaimValue(value);
      const others = (await col.list('owner', owner)).filter((c) => c.name !== name);
      const total = others.reduce(
        (sum, c) => sum + Buffer.byteLength(c.json),
        Buffer.byteLength(json),
      );
      if (total > MAX_OWNER_CLAIM_BYTES) {
        throw new GroupError(
          'invalid',
          `too many custom claims: together they may hold ${MAX_OWNER_CLAIM_BYTES} bytes of JSON ` +
            '(they travel in every ID token); unset one first',
        );
      }
      await col.upsert({ id: id(owner, name), owner, name, json });
    },
    unset: (owner, name) => col.delete(id(owner, name)),
    async of(owner) {
      const claims: Record<string, unknown> = {};
      for (const c of await col.list('owner', owner)) claims[c.name] = JSON.parse(c.json);
      return claims;
    },
    forget: (owner) => col.deleteMany('owner', owner),
  };
}
