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
  update(credential: StoredCredential): Promise<void>;
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
    update: (c) => col.upsert(c),
    delete: (id) => col.delete(id),
    all: () => col.all(),
  };
}
