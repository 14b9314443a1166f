import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Collection, Doc, Store } from '../store/collection.js';

/** A self-service recovery link works for 15 minutes (SPEC.md §4). */
export const RECOVERY_LINK_TTL_MS = 15 * 60 * 1000;
/** A link issued by an operator (`sesame user recovery-link`) works for 24 hours (SPEC.md §3). */
export const ADMIN_RECOVERY_LINK_TTL_MS = 24 * 3600 * 1000;

/** The token as it travels in a link: 32 random bytes, base64url. */
export const recoveryTokenSchema = z
  .string({ message: 'This recovery link is incomplete. Open the link from the email again.' })
  .regex(
    /^[A-Za-z0-9_-]{43}$/,
    'This recovery link is incomplete. Open the link from the email again.',
  );

/**
 * One issued recovery link. Only the SHA-256 of the token is stored, as the document id, so a
 * copy of the store holds no usable link and lookup (and the atomic consume) is by that hash.
 */
export interface RecoveryToken extends Doc {
  accountId: string;
  /** Who asked: the person on the "Lost your passkey?" page, or an operator with the CLI. */
  issuedBy: 'self' | 'admin';
  /** The sign-in interaction the request came from, so that browser can be signed in after. */
  interactionUid?: string;
  createdAt: number;
  expiresAt: number;
}

export interface RecoveryTokens {
  /**
   * Issues a link token for `accountId` and revokes the account's older links; returns the
   * token (to mail or print, never store).
   */
  issue(input: {
    accountId: string;
    issuedBy: RecoveryToken['issuedBy'];
    ttlMs: number;
    interactionUid?: string;
  }): Promise<{ token: string; hash: string; expiresAt: number }>;
  /** The live token document, without using it up (opening a link must not spend it). */
  find(token: string): Promise<RecoveryToken | undefined>;
  /** Atomically takes the token: of several concurrent callers exactly one gets it. */
  consume(token: string): Promise<RecoveryToken | undefined>;
  /** Puts a consumed token back (when the passkey it paid for could not be stored). */
  restore(doc: RecoveryToken): Promise<void>;
  /** Drops every outstanding link of an account (when one is used, or it is disabled). */
  revokeAll(accountId: string): Promise<number>;
}

/** The stored key of a token: its SHA-256, base64url (the token has 256 bits of entropy). */
export function recoveryTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The link a person opens: it starts with the issuer and carries the token in the query. */
export function recoveryUrl(issuer: string, token: string): string {
  return `${issuer}/recovery?token=${token}`;
}

/**
 * A fresh token. Tokens with a run of six digits are drawn again, so a recovery mail never
 * contains something that looks like a sign-up code (SPEC.md §4).
 */
function newToken(): string {
  for (;;) {
    const token = randomBytes(32).toString('base64url');
    if (!/\d{6}/.test(token)) return token;
  }
}

/** Opens the `recovery_tokens` collection (indexed by `accountId`). */
export async function createRecoveryTokens(store: Store): Promise<RecoveryTokens> {
  const col: Collection<RecoveryToken> = await store.collection<RecoveryToken>({
    name: 'recovery_tokens',
    indexed: ['accountId'],
  });
  return {
    async issue({ accountId, issuedBy, ttlMs, interactionUid }) {
      const token = newToken();
      const hash = recoveryTokenHash(token);
      const createdAt = Date.now();
      const expiresAt = createdAt + ttlMs;
      await col.insert({
        id: hash,
        accountId,
        issuedBy,
        ...(interactionUid ? { interactionUid } : {}),
        createdAt,
        expiresAt,
      });
      // One outstanding link per account: the older ones stop working. Strictly older only, so
      // two links issued at once by two instances cannot revoke each other.
      const older = (await col.list('accountId', accountId)).filter(
        (doc) => doc.id !== hash && doc.createdAt < createdAt,
      );
      await Promise.all(older.map((doc) => col.delete(doc.id)));
      return { token, hash, expiresAt };
    },
    find: (token) => col.get(recoveryTokenHash(token)),
    consume: (token) => col.consume(recoveryTokenHash(token)),
    restore: (doc) => col.upsert(doc),
    revokeAll: (accountId) => col.deleteMany('accountId', accountId),
  };
}
