import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { HttpError } from '../http/errors.js';
import { openStore } from '../store/openStore.js';
import type { CliContext } from './cliContext.js';
import { backupCommands } from './backupCommands.js';
import { clientCommands } from './clientCommands.js';
import { groupCommands } from './groupCommands.js';
import { keysCommands } from './keysCommands.js';
import { createOutput } from './output.js';
import { tokenCommands } from './tokenCommands.js';
import { userCommands } from './userCommands.js';

/**
 * `sesame` — administration from the command line. Opens the store directly (embedded or
 * MongoDB, per the same environment as the server), so it works with or without the server
 * running; SQLite's WAL mode lets both share the file safely.
 */
const program = new Command('sesame')
  .description('Administer a Sesame identity provider')
  .option('--json', 'machine-readable output')
  .showHelpAfterError()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

class CommandFailure extends Error {}

async function run(task: (cli: CliContext) => Promise<void>): Promise<void> {
  const json = Boolean(program.opts<{ json?: boolean }>().json);
  const out = createOutput(json);
  const fail = (message: string) => {
    throw new CommandFailure(message);
  };
  let store;
  try {
    const config = loadConfig();
    store = await openStore({ dataDir: config.dataDir, mongodbUri: config.mongodbUri });
    await task({ store, out, fail });
  } catch (err) {
    const known =
      err instanceof CommandFailure ||
      (err instanceof HttpError && err.expose) ||
      err instanceof ConfigError;
    const message = known ? (err as Error).message : `unexpected error: ${(err as Error).message}`;
    if (json) console.error(JSON.stringify({ error: message }));
    else console.error(`sesame: ${message}`);
    process.exitCode = known ? 1 : 2;
  } finally {
    await store?.close();
  }
}

clientCommands(program, run);
userCommands(program, run);
groupCommands(program, run);
tokenCommands(program, run);
keysCommands(program, run);
backupCommands(program, run);

await program.parseAsync(process.argv);
