import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Collection, CollectionSpec, Store } from '../store/collection.js';
import {
  BackupError,
  documentLineSchema,
  headerSchema,
  KEYS_COLLECTION,
  trailerSchema,
  type DocumentLine,
  type ExportHeader,
} from './backupFormat.js';
import { collectionSpecFor } from './collectionSpecs.js';

/** What an import wrote. */
export interface ImportSummary {
  documents: number;
  collections: Record<string, number>;
  includesKeys: boolean;
}

/** Yields the parsed lines of `file` with their line numbers (1-based). */
async function* readLines(file: string): AsyncGenerator<{ line: number; value: unknown }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) as unknown };
    } catch {
      throw new BackupError(`line ${line} is not JSON`);
    }
  }
}

/**
 * Reads and checks the whole file (header, every document line, trailer with the right count)
 * before anything is written, so a damaged or cut-off export is refused without a trace.
 */
export async function checkExportFile(file: string): Promise<ExportHeader> {
  let header: ExportHeader | undefined;
  let documents = 0;
  let ended = false;
  for await (const { line, value } of readLines(file)) {
    if (ended) throw new BackupError(`line ${line} follows the end of the export`);
    if (!header) {
      const parsed = headerSchema.safeParse(value);
      if (!parsed.success) throw new BackupError('this is not a Sesame export (bad first line)');
      header = parsed.data;
      continue;
    }
    const doc = documentLineSchema.safeParse(value);
    if (doc.success) {
      if (!header.collections.some((c) => c.name === doc.data.collection))
        throw new BackupError(`line ${line} names a collection the header did not announce`);
      if (doc.data.collection === KEYS_COLLECTION && !header.includesKeys)
        throw new BackupError(`line ${line} holds a key the header did not announce`);
      documents++;
      continue;
    }
    const trailer = trailerSchema.safeParse(value);
    if (!trailer.success) throw new BackupError(`line ${line} is not a valid document line`);
    if (trailer.data.documents !== documents)
      throw new BackupError(
        `the export announces ${trailer.data.documents} documents but holds ${documents}`,
      );
    ended = true;
  }
  if (!header) throw new BackupError('the file is empty');
  if (!ended) throw new BackupError('the export is incomplete (no end line): it was cut off');
  return header;
}

/** The layout of collection `name`: what the export says, completed by what Sesame knows. */
function specFrom(header: ExportHeader): (name: string) => CollectionSpec {
  const exported = new Map(header.collections.map((spec) => [spec.name, spec]));
  return (name) => ({ ...collectionSpecFor(name), ...exported.get(name) });
}

/**
 * Collections of `store` holding live documents that an import would mix with. The target's
 * own `keys` do not count when the file brings none: a server started once has generated
 * keys, and they stay.
 */
async function occupiedCollections(
  store: Store,
  header: ExportHeader,
  specOf: (name: string) => CollectionSpec,
): Promise<string[]> {
  const occupied: string[] = [];
  for (const name of await store.collectionNames()) {
    if (name === KEYS_COLLECTION && !header.includesKeys) continue;
    if ((await (await store.collection(specOf(name))).count()) > 0) occupied.push(name);
  }
  return occupied;
}

/**
 * Imports an export made by {@link exportStore} into `store` (either engine): checks the file,
 * refuses a store that already holds data unless `force` (then documents replace those with
 * the same id and others are kept), creates each collection with its unique and indexed fields,
 * and upserts every document. Throws {@link BackupError} for a refused import.
 */
export async function importStore(
  store: Store,
  file: string,
  options: { force: boolean },
): Promise<ImportSummary> {
  const header = await checkExportFile(file);
  const specOf = specFrom(header);
  const occupied = await occupiedCollections(store, header, specOf);
  if (occupied.length > 0 && !options.force)
    throw new BackupError(
      `the store is not empty (${occupied.join(', ')}); import into an empty store, or pass --force to write over documents with the same id`,
    );
  const open = new Map<string, Collection>();
  const collectionFor = async (name: string): Promise<Collection> => {
    let col = open.get(name);
    if (!col) {
      col = await store.collection(specOf(name));
      open.set(name, col);
    }
    return col;
  };
  // Every collection of the export exists afterwards, empty ones too.
  for (const { name } of header.collections) await collectionFor(name);
  const collections: Record<string, number> = {};
  let documents = 0;
  for await (const { line, value } of readLines(file)) {
    const parsed = documentLineSchema.safeParse(value);
    if (!parsed.success) continue; // header and trailer, checked above
    const { collection, doc }: DocumentLine = parsed.data;
    try {
      await (await collectionFor(collection)).upsert(doc);
    } catch (err) {
      throw new BackupError(
        `line ${line} (${collection} ${doc.id}) could not be written after ${documents} documents: ${(err as Error).message}`,
      );
    }
    collections[collection] = (collections[collection] ?? 0) + 1;
    documents++;
  }
  return { documents, collections, includesKeys: header.includesKeys };
}
