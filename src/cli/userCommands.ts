import os from 'node:os';
import type { Command } from 'commander';
import {
  createUserAdministration,
  UserAdminError,
  type UserAdministration,
  type UserDetails,
} from '../accounts/userAdministration.js';
import { loadConfig } from '../config.js';
import { rendererFor } from '../http/renderer.js';
import { createLogger } from '../log/createLogger.js';
import { createMailer } from '../mail/mailer.js';
import type { CliContext } from './cliContext.js';
import { table } from './output.js';

/** Who runs the command, for the audit trail. */
function actor(): string {
  try {
    return `sesame CLI (${os.userInfo().username}@${os.hostname()})`;
  } catch {
    return `sesame CLI (${os.hostname()})`;
  }
}

/**
 * The services behind `sesame user …`, built from the same configuration as the server (ISSUER
 * for links, SMTP_URL and MAIL_FROM for notices). Log lines go to stderr, never into the output.
 */
async function administration(cli: CliContext): Promise<UserAdministration> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, process.stderr);
  return createUserAdministration({
    store: cli.store,
    issuer: config.issuer,
    rpName: config.rpName,
    renderer: rendererFor(config),
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger }),
    actor: actor(),
  });
}

/** Runs an operator action; a refused one (unknown email…) ends with its message and exit 1. */
function action(
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
  task: (admin: UserAdministration, cli: CliContext) => Promise<void>,
): Promise<void> {
  return run(async (cli) => {
    try {
      await task(await administration(cli), cli);
    } catch (err) {
      if (err instanceof UserAdminError) return cli.fail(err.message);
      throw err;
    }
  });
}

function describeUser({ account, passkeys, events }: UserDetails): string {
  const lines = [
    `${account.email}  (${account.name})`,
    `  id        ${account.id}`,
    `  created   ${account.createdAt}`,
    `  status    ${account.disabled ? 'DISABLED' : 'active'}`,
    '',
    `Passkeys (${passkeys.length})`,
    table(passkeys as unknown as Record<string, unknown>[], [
      'id',
      'name',
      'aaguid',
      'kind',
      'createdAt',
      'lastUsedAt',
    ]),
    '',
    'Recent activity',
    table(events as unknown as Record<string, unknown>[], [
      'at',
      'type',
      'detail',
      'ip',
      'userAgent',
    ]),
  ];
  return lines.join('\n');
}

/** `sesame user list|show|disable|enable|recovery-link` (SPEC.md §3). */
export function userCommands(
  program: Command,
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
): void {
  const user = program.command('user').description('manage the people who sign in');

  user
    .command('list')
    .description('list accounts')
    .action(() =>
      action(run, async (admin, { out }) => {
        const users = await admin.list();
        out.print(users, () =>
          table(users as unknown as Record<string, unknown>[], [
            'email',
            'name',
            'passkeys',
            'disabled',
            'createdAt',
            'id',
          ]),
        );
      }),
    );

  user
    .command('show <email>')
    .description('show an account, its passkeys and recent activity')
    .action((email: string) =>
      action(run, async (admin, { out }) => {
        const details = await admin.show(email);
        out.print(details, () => describeUser(details));
      }),
    );

  user
    .command('disable <email>')
    .description('disable an account; its sessions, grants and tokens end at once')
    .action((email: string) =>
      action(run, async (admin, { out }) => {
        const { account, ended } = await admin.disable(email);
        out.print(
          { ...account, ended },
          () =>
            `disabled ${account.email}; ended ${ended.sessions} session(s), ` +
            `${ended.grants} grant(s) and ${ended.artifacts} token(s)`,
        );
      }),
    );

  user
    .command('enable <email>')
    .description('enable a disabled account')
    .action((email: string) =>
      action(run, async (admin, { out }) => {
        const account = await admin.enable(email);
        out.print(account, () => `enabled ${account.email}`);
      }),
    );

  user
    .command('recovery-link <email>')
    .description('print a one-time link (valid 24 h) that lets the person add a new passkey')
    .action((email: string) =>
      action(run, async (admin, { out }) => {
        const link = await admin.issueRecoveryLink(email);
        out.print(
          link,
          () =>
            `${link.url}\n\nOne use, valid until ${link.expiresAt}. ` +
            `Give it to ${link.email} only after checking who is asking.`,
        );
        if (!link.notified)
          console.error(
            'sesame: warning: the notice mail to the account could not be sent (check SMTP_URL)',
          );
      }),
    );
}
