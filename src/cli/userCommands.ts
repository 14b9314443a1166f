import type { Command } from 'commander';
import type { UserDetails } from '../admin/peopleViews.js';
import { CLI, withAdmin } from './adminContext.js';
import type { CliContext } from './cliContext.js';
import { table } from './output.js';

function describeUser(
  { account, passkeys, groups, events }: UserDetails,
  claims: Record<string, unknown>,
): string {
  const lines = [
    `${account.email}  (${account.name})`,
    `  id        ${account.id}`,
    `  created   ${account.createdAt}`,
    `  status    ${account.disabled ? 'DISABLED' : 'active'}`,
    `  role      ${account.admin ? 'admin' : 'user'}`,
    `  groups    ${groups.length ? groups.join(', ') : '(none)'}`,
    ...Object.entries(claims).map(([k, v]) => `  claim     ${k} = ${JSON.stringify(v)}`),
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

/** `sesame user list|show|disable|enable|promote|demote|recovery-link` (SPEC.md §3, §10). */
export function userCommands(
  program: Command,
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
): void {
  const user = program.command('user').description('manage the people who sign in');

  user
    .command('list')
    .description('list accounts')
    .action(() =>
      withAdmin(run, async (admin, { out }) => {
        const users = await admin.people.list();
        out.print(users, () =>
          table(users as unknown as Record<string, unknown>[], [
            'email',
            'name',
            'passkeys',
            'disabled',
            'admin',
            'createdAt',
            'id',
          ]),
        );
      }),
    );

  user
    .command('show <email>')
    .description('show an account, its passkeys, groups, custom claims and recent activity')
    .action((email: string) =>
      withAdmin(run, async (admin, { out }) => {
        const details = await admin.people.show({ email });
        const claims = await admin.groups.userClaims(email);
        out.print({ ...details, claims }, () => describeUser(details, claims));
      }),
    );

  user
    .command('disable <email>')
    .description('disable an account; its sessions, grants and tokens end at once')
    .action((email: string) =>
      withAdmin(run, async (admin, { out }) => {
        const { account, ended } = await admin.people.disable(CLI, { email });
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
      withAdmin(run, async (admin, { out }) => {
        const account = await admin.people.enable(CLI, { email });
        out.print(account, () => `enabled ${account.email}`);
      }),
    );

  user
    .command('promote <email>')
    .description('give the account the admin role (the console at /admin and its API)')
    .action((email: string) =>
      withAdmin(run, async (admin, { out }) => {
        const account = await admin.people.promote(CLI, { email });
        out.print(account, () => `${account.email} is now an administrator`);
      }),
    );

  user
    .command('demote <email>')
    .description('remove the admin role from the account')
    .action((email: string) =>
      withAdmin(run, async (admin, { out }) => {
        const account = await admin.people.demote(CLI, { email });
        out.print(account, () => `${account.email} is no longer an administrator`);
      }),
    );

  user
    .command('recovery-link <email>')
    .description('print a one-time link (valid 24 h) that lets the person add a new passkey')
    .action((email: string) =>
      withAdmin(run, async (admin, { out }) => {
        const link = await admin.people.issueRecoveryLink(CLI, { email });
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
