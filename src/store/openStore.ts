import type { Store } from './collection.js';

/**
 * Opens the configured store: MongoDB when `mongodbUri` is given, otherwise the embedded SQLite
 * file in `dataDir`. Rejects with StoreUnavailableError if it cannot be reached. Only the chosen
 * engine's driver is loaded (the MongoDB driver alone costs an embedded server some 13 MB).
 */
export async function openStore(options: {
  dataDir: string;
  mongodbUri?: string;
  /** Told about failures the embedded store recovers from by itself (e.g. a periodic sweep). */
  onError?: (what: string, err: unknown) => void;
}): Promise<Store> {
  if (options.mongodbUri) {
    const { openMongoStore } = await import('./mongo/openMongoStore.js');
    return openMongoStore(options.mongodbUri);
  }
  const { openSqliteStore } = await import('./sqlite/openSqliteStore.js');
  return openSqliteStore(options.dataDir, {
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
