import type { Command } from 'commander';
import { CLI, withAdmin } from './adminContext.js';
import type { CliContext } from './cliContext.js';
import { table } from './output.js';

/** `sesame token create|list|revoke`: bearer tokens for the admin API (SPEC.md §10). */
export function tokenCommands(
  program: Command,
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
): void {
  const token = program.command('token').description('manage tokens for the admin API');

  token
    .command('create')
    .description('make an API token; it is printed once and stored hashed')
    .requiredOption('--name <name>', 'what the token is for, e.g. "deploy pipeline"')
    .action((opts: { name: string }) =>
      withAdmin(run, async (admin, { out }) => {
        const created = await admin.tokens.create(CLI, opts.name);
        out.print(created, () => created.token);
        if (!out.json)
          console.error(
            `API token ${created.id} (“${created.name}”): keep it safe, it is shown only now.`,
          );
      }),
    );

  token
    .command('list')
    .description('list API tokens (never their secrets)')
    .action(() =>
      withAdmin(run, async (admin, { out }) => {
        const tokens = await admin.tokens.list();
        out.print(tokens, () =>
          table(tokens as unknown as Record<string, unknown>[], [
            'id',
            'name',
            'created',
            'lastUsed',
          ]),
        );
      }),
    );

  token
    .command('revoke <id>')
    .description('revoke an API token; it stops working at once')
    .action((id: string) =>
      withAdmin(run, async (admin, { out }) => {
        await admin.tokens.revoke(CLI, id);
        out.print({ revoked: id }, () => `revoked ${id}`);
      }),
    );
}
