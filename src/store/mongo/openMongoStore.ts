import { MongoClient, type Db } from 'mongodb';
import {
  StoreUnavailableError,
  type Collection,
  type CollectionSpec,
  type Doc,
  type Store,
} from '../collection.js';
import { coversSpec, validateCollectionSpec, type ValidSpec } from '../validateCollectionSpec.js';
import { mapMongoError } from './mapMongoError.js';
import { MongoCollection, indexesFor, type StoredDoc } from './mongoCollection.js';

/**
 * The database named by the URI's path (`mongodb://host/sesame?…`), or `sesame` when there is
 * none. Parsed here because the driver's own default (`test`) cannot be told from an explicit one.
 */
export function databaseNameOf(uri: string): string {
  const afterScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '').split('?')[0] ?? '';
  // Credentials may contain '/' only percent-encoded, so the first '/' after '@' starts the path.
  const hosts = afterScheme.slice(afterScheme.lastIndexOf('@') + 1);
  const slash = hosts.indexOf('/');
  const name = slash === -1 ? '' : decodeURIComponent(hosts.slice(slash + 1));
  return name === '' ? 'sesame' : name;
}

/**
 * Connects to MongoDB (a replica set when several instances share it) and returns the store.
 * Rejects with {@link StoreUnavailableError} if no server answers within about 5 s.
 */
export async function openMongoStore(uri: string): Promise<Store> {
  const client = new MongoClient(uri, {
    // Fail a request (503) after 5 s without a server instead of the driver's 30 s, unless the
    // URI sets its own value (options given here would override the URI's).
    ...(/[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 5000 }),
    // JSON (and so the SQLite engine) drops undefined fields; BSON would store them as null.
    ignoreUndefined: true,
  });
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new StoreUnavailableError(`mongodb: cannot connect: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return new MongoStore(client, client.db(databaseNameOf(uri)));
}

class MongoStore implements Store {
  readonly engine = 'mongo' as const;
  private readonly collections = new Map<string, { spec: ValidSpec; ready: Promise<Collection> }>();
  private closed = false;

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  async collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>> {
    const valid = validateCollectionSpec(spec);
    const open = this.collections.get(valid.name);
    if (open !== undefined) {
      if (!coversSpec(open.spec, valid)) {
        throw new Error(`collection ${valid.name} is already open with a spec lacking fields`);
      }
      return (await open.ready) as unknown as Collection<T>;
    }
    const ready = this.guard(async () => {
      const driver = this.db.collection<StoredDoc>(valid.name);
      // Idempotent: a no-op when another process (or an earlier run) created the same indexes.
      await driver.createIndexes(indexesFor(valid));
      return new MongoCollection<Doc>(driver, valid, () => this.closed) as Collection;
    });
    this.collections.set(valid.name, { spec: valid, ready });
    // A failed first open (server down) must not poison later attempts.
    ready.catch(() => this.collections.delete(valid.name));
    return (await ready) as unknown as Collection<T>;
  }

  async collectionNames(): Promise<string[]> {
    return this.guard(async () => {
      const found = await this.db.listCollections({}, { nameOnly: true }).toArray();
      return found
        .map((info) => info.name)
        .filter((name) => !name.startsWith('system.'))
        .sort();
    });
  }

  async ping(): Promise<void> {
    await this.guard(() => this.db.command({ ping: 1 }));
  }

  /** Deletes expired documents in every collection now, ahead of the TTL monitor. */
  async sweep(): Promise<void> {
    const now = new Date();
    for (const name of await this.collectionNames()) {
      await this.guard(() =>
        this.db.collection<StoredDoc>(name).deleteMany({ expiresAt: { $lte: now } }),
      );
    }
  }

  async close(): Promise<void> {
    // Flag first: the driver would otherwise reconnect on the next operation.
    this.closed = true;
    await this.client.close();
  }

  private async guard<R>(fn: () => Promise<R>): Promise<R> {
    if (this.closed) throw new StoreUnavailableError('mongodb: store is closed');
    try {
      return await fn();
    } catch (err) {
      throw mapMongoError(err);
    }
  }
}
