import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Store } from '../store/collection.js';
import { KEYS_COLLECTION, type ExportHeader } from './backupFormat.js';
import { collectionSpecFor } from './collectionSpecs.js';

/** What an export wrote. */
export interface ExportSummary {
  documents: number;
  /** Documents per collection. */
  collections: Record<string, number>;
  includesKeys: boolean;
}

/**
 * Writes every live document of every collection to `out` as JSON lines: a header naming the
 * collections and their lookup fields, one `{"collection","doc"}` line per document, and a
 * trailer with the count. The `keys` collection (private signing keys, cookie secrets) is left
 * out unless `includeKeys`. Consistent per document, not one snapshot across collections.
 */
export async function exportStore(
  store: Store,
  out: Writable,
  options: { includeKeys: boolean; now?: Date },
): Promise<ExportSummary> {
  const names = (await store.collectionNames()).filter(
    (name) => options.includeKeys || name !== KEYS_COLLECTION,
  );
  const write = async (value: unknown) => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
  };
  const header: ExportHeader = {
    format: 'sesame-export',
    version: 1,
    exportedAt: (options.now ?? new Date()).toISOString(),
    engine: store.engine,
    includesKeys: options.includeKeys && names.includes(KEYS_COLLECTION),
    collections: names.map((name) => {
      const { unique, indexed } = collectionSpecFor(name);
      return {
        name,
        ...(unique?.length ? { unique: [...unique] } : {}),
        ...(indexed?.length ? { indexed: [...indexed] } : {}),
      };
    }),
  };
  await write(header);
  const collections: Record<string, number> = {};
  let documents = 0;
  for (const name of names) {
    // A bare spec: this process needs no index to read everything.
    const col = await store.collection({ name });
    collections[name] = 0;
    for await (const doc of col.all()) {
      await write({ collection: name, doc });
      collections[name]++;
      documents++;
    }
  }
  await write({ end: true, documents });
  return { documents, collections, includesKeys: header.includesKeys };
}
