import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { BackupError } from '../backup/backupFormat.js';
import { exportStore } from '../backup/exportStore.js';
import { importStore } from '../backup/importStore.js';
import type { CliContext } from './cliContext.js';

const KEYS_WARNING =
  'WARNING: this backup holds the PRIVATE signing keys and cookie secrets. Anyone who has the file can sign tokens as this issuer and forge sessions. Keep it encrypted and delete it when done.';

/**
 * `sesame export FILE` and `sesame import FILE` (SPEC.md §3): a full backup as JSON lines.
 * Exports are written to a temporary file (mode 0600) and renamed when complete; keys stay
 * out unless `--include-keys`, said loudly on stderr.
 */
export function backupCommands(
  program: Command,
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('export <file>')
    .description('write every document of the store to FILE as JSON lines (keys left out)')
    .option('--include-keys', 'include private signing keys and cookie secrets')
    .option('--force', 'overwrite FILE if it exists')
    .action((file: string, opts: { includeKeys?: boolean; force?: boolean }) =>
      run(async ({ store, out, fail }) => {
        if (!opts.force && existsSync(file))
          return fail(`${file} exists; pass --force to overwrite it`);
        const partial = `${file}.partial`;
        const stream = createWriteStream(partial, { flags: 'w', mode: 0o600 });
        try {
          await once(stream, 'open');
          const summary = await exportStore(store, stream, {
            includeKeys: Boolean(opts.includeKeys),
          });
          stream.end();
          await finished(stream);
          await rename(partial, file);
          if (summary.includesKeys) console.error(KEYS_WARNING);
          out.print({ file, ...summary }, () =>
            [
              `Exported ${summary.documents} documents from ${Object.keys(summary.collections).length} collections to ${file}.`,
              summary.includesKeys
                ? 'Keys are included.'
                : 'Keys are not included: a store restored from it makes new keys (sessions and unexpired ID tokens stop working).',
              'The file holds client secrets and live tokens: keep it safe.',
            ].join('\n'),
          );
        } catch (err) {
          stream.destroy();
          await rm(partial, { force: true });
          if ((err as NodeJS.ErrnoException).syscall)
            return fail(`cannot write ${file}: ${(err as Error).message}`);
          throw err;
        }
      }),
    );

  program
    .command('import <file>')
    .description('load an export into an empty store (either engine)')
    .option(
      '--force',
      'import into a store that holds data: documents with the same id are replaced',
    )
    .action((file: string, opts: { force?: boolean }) =>
      run(async ({ store, out, fail }) => {
        try {
          const summary = await importStore(store, file, { force: Boolean(opts.force) });
          if (summary.includesKeys)
            console.error(
              'WARNING: the export held private signing keys and cookie secrets; they are now this store’s keys.',
            );
          out.print(
            summary,
            () =>
              `Imported ${summary.documents} documents into ${Object.keys(summary.collections).length} collections.`,
          );
        } catch (err) {
          if (err instanceof BackupError) return fail(err.message);
          throw err;
        }
      }),
    );
}
