import type { Doc, Store } from '../store/collection.js';

/** A stored passkey (SPEC.md §6). `id` is the base64url credential id, unique across accounts. */
export interface StoredCredential extends Doc {
  accountId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  aaguid: string;
  /** Backup eligible: the passkey can be synced (multi-device). */
  backupEligible: boolean;
  /** Backed up: the passkey is currently synced. */
  backupState: boolean;
  createdAt: number;
  lastUsedAt?: number;
  name: string;
}

export interface CredentialRepository {
  get(id: string): Promise<StoredCredential | undefined>;
  forAccount(accountId: string): Promise<StoredCredential[]>;
  /** Inserts; throws DuplicateKeyError if the credential id already exists (any account). */
  insert(credential: StoredCredential): Promise<void>;
  /**
   * Records a sign-in: sets the counter, backup state and last use, only if the passkey still
   * exists and its stored counter is still `readCounter` (the one the assertion was checked
   * against). `false` means it was deleted or another sign-in moved the counter first.
   */
  recordUse(
    id: string,
    use: Pick<StoredCredential, 'counter' | 'backupState' | 'lastUsedAt'>,
    readCounter: number,
  ): Promise<boolean>;
  /** Renames the passkey if it still exists (never re-creates a deleted one). */
  rename(id: string, name: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** Every stored credential (for maintenance sweeps). */
  all(): AsyncIterable<StoredCredential>;
}

/** Opens the `credentials` collection (indexed by `accountId`). */
export async function createCredentialRepository(store: Store): Promise<CredentialRepository> {
  const col = await store.collection<StoredCredential>({
    name: 'credentials',
    indexed: ['accountId'],
  });
  return {
    get: (id) => col.get(id),
    forAccount: (accountId) => col.list('accountId', accountId),
    insert: (c) => col.insert(c),
    recordUse: (id, use, readCounter) =>
      col.update(id, use, { field: 'counter', value: readCounter }),
    rename: (id, name) => col.update(id, { name }),
    delete: (id) => col.delete(id),
    all: () => col.all(),
  };
}
