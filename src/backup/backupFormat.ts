import { z } from 'zod';

/** The first line of an export: what follows and how to lay it out. */
export const headerSchema = z
  .object({
    format: z.literal('sesame-export'),
    version: z.literal(1),
    exportedAt: z.string(),
    engine: z.enum(['sqlite', 'mongo']),
    includesKeys: z.boolean(),
    collections: z.array(
      z
        .object({
          name: z.string().regex(/^[a-z][a-z0-9_]*$/i),
          unique: z.array(z.string()).optional(),
          indexed: z.array(z.string()).optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type ExportHeader = z.infer<typeof headerSchema>;

/** One document line: the collection it belongs to and the document as stored. */
export const documentLineSchema = z
  .object({
    collection: z.string().regex(/^[a-z][a-z0-9_]*$/i),
    doc: z.looseObject({ id: z.string().min(1), expiresAt: z.number().finite().optional() }),
  })
  .strict();
export type DocumentLine = z.infer<typeof documentLineSchema>;

/** The last line: present only when the export finished, so a cut-off file is refused. */
export const trailerSchema = z
  .object({ end: z.literal(true), documents: z.number().int() })
  .strict();

/** The collection of private keys and secrets: left out of exports unless asked for. */
export const KEYS_COLLECTION = 'keys';

/** Thrown for a file that is not a complete, valid Sesame export, or a refused import. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}
