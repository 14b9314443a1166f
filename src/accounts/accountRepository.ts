import { randomBytes } from 'node:crypto';
import type { Collection, Doc, Store } from '../store/collection.js';

/** A person: `id` is the OIDC `sub` (random, stable, never the email). */
export interface Account extends Doc {
  email: string;
  name: string;
  emailVerified: true;
  createdAt: number;
  disabled?: boolean;
  /** The language the person signed up in (or chose on /account): their mails use it. */
  locale?: string;
}

/** Accounts by id and by normalised email (unique). */
export interface AccountRepository {
  get(id: string): Promise<Account | undefined>;
  findByEmail(email: string): Promise<Account | undefined>;
  /** Inserts the account; throws DuplicateKeyError when the email is taken. */
  insert(account: Account): Promise<void>;
  /**
   * Replaces the stored account if it still exists; `false` if it was deleted meanwhile (an
   * update never re-creates a deleted account).
   */
  update(account: Account): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  all(): AsyncIterable<Account>;
}

/** A fresh random account id (128 bits, base64url), used as `sub` and WebAuthn user handle. */
export function newAccountId(): string {
  return randomBytes(16).toString('base64url');
}

/** Opens the `accounts` collection (unique `email`). */
export async function createAccountRepository(store: Store): Promise<AccountRepository> {
  const col: Collection<Account> = await store.collection<Account>({
    name: 'accounts',
    unique: ['email'],
  });
  return {
    get: (id) => col.get(id),
    findByEmail: (email) => col.findOne('email', email),
    insert: (account) => col.insert(account),
    update: (account) => col.replace(account),
    delete: (id) => col.delete(id),
    all: () => col.all(),
  };
}
