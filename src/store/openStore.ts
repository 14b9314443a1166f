import type { Store } from './collection.js';
import { openMongoStore } from './mongo/openMongoStore.js';
import { openSqliteStore } from './sqlite/openSqliteStore.js';

/**
 * Opens the configured store: MongoDB when `mongodbUri` is given, otherwise the embedded SQLite
 * file in `dataDir`. Rejects with StoreUnavailableError if it cannot be reached.
 */
export async function openStore(options: { dataDir: string; mongodbUri?: string }): Promise<Store> {
  return options.mongodbUri ? openMongoStore(options.mongodbUri) : openSqliteStore(options.dataDir);
}
