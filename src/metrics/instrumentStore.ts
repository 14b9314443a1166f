import {
  DuplicateKeyError,
  StoreUnavailableError,
  type Collection,
  type CollectionSpec,
  type Doc,
  type Store,
} from '../store/collection.js';
import type { Metrics } from './createMetrics.js';

const COLLECTION_OPS = [
  'get',
  'findOne',
  'list',
  'count',
  'insert',
  'upsert',
  'replace',
  'update',
  'setIfAbsent',
  'increment',
  'delete',
  'deleteMany',
  'consume',
] as const;

/**
 * The same store, counting failed operations in `sesame_store_errors_total` (a duplicate key
 * is an answer, not a failure). Labels are operation names, never collection data.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const count = (operation: string, err: unknown) => {
    if (err instanceof DuplicateKeyError) return;
    const kind = err instanceof StoreUnavailableError ? 'unavailable' : 'error';
    metrics.storeErrors.inc({ operation, kind });
  };
  const watch = <R>(operation: string, run: () => Promise<R>): Promise<R> =>
    run().catch((err: unknown) => {
      count(operation, err);
      throw err;
    });
  const wrapped = new Map<Collection, Collection>();
  const wrap = <T extends Doc>(col: Collection<T>): Collection<T> => {
    const known = wrapped.get(col as unknown as Collection);
    if (known) return known as unknown as Collection<T>;
    const out = { name: col.name, all: () => col.all() } as Collection<T>;
    for (const op of COLLECTION_OPS) {
      const original = (col[op] as (...args: unknown[]) => Promise<unknown>).bind(col);
      Object.assign(out, { [op]: (...args: unknown[]) => watch(op, () => original(...args)) });
    }
    wrapped.set(col as unknown as Collection, out as unknown as Collection);
    return out;
  };
  return {
    engine: store.engine,
    collection<T extends Doc>(spec: CollectionSpec) {
      return watch('collection', () => store.collection<T>(spec)).then((col) => wrap(col));
    },
    collectionNames: () => watch('collectionNames', () => store.collectionNames()),
    ping: () => watch('ping', () => store.ping()),
    sweep: () => watch('sweep', () => store.sweep()),
    close: () => store.close(),
  };
}
