import type { Command } from 'commander';
import type { GroupAdmin, GroupDetails } from '../admin/groupAdmin.js';
import { parseClaimValue } from '../groups/customClaims.js';
import { CLI, withAdmin } from './adminContext.js';
import type { CliContext } from './cliContext.js';
import { table } from './output.js';

type Run = (task: (cli: CliContext) => Promise<void>) => Promise<void>;

/** Runs a group operation through the admin service; a refusal ends with its message. */
function action(run: Run, task: (admin: GroupAdmin, cli: CliContext) => Promise<void>) {
  return withAdmin(run, (admin, cli) => task(admin.groups, cli));
}

function describeGroup(g: GroupDetails): string {
  const claims = Object.entries(g.claims).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`);
  return [
    `${g.name}  (created ${g.created})`,
    '',
    `Members (${g.members.length})`,
    ...(g.members.length ? g.members.map((m) => `  ${m}`) : ['  (none)']),
    '',
    'Custom claims',
    ...(claims.length ? claims : ['  (none)']),
    '',
    'Apps open only to allowed groups that include it',
    table(g.apps as unknown as Record<string, unknown>[], ['client_id', 'client_name']),
  ].join('\n');
}

/**
 * `sesame group add|list|show|remove|add-member|remove-member|set-claim|unset-claim` and
 * `sesame user set-claim|unset-claim` (SPEC.md §11), all through the group admin service.
 */
export function groupCommands(program: Command, run: Run): void {
  const group = program.command('group').description('manage groups and their members');

  group
    .command('add <name>')
    .description('create a group (name: a-z 0-9 . _ -, 64 characters at most)')
    .action((name: string) =>
      action(run, async (admin, { out }) => {
        const created = await admin.create(CLI, name);
        out.print(created, () => `created group ${created.name}`);
      }),
    );

  group
    .command('list')
    .description('list groups and their members')
    .action(() =>
      action(run, async (admin, { out }) => {
        const groups = await admin.list();
        out.print(groups, () =>
          table(
            groups.map((g) => ({ ...g, count: g.members.length })),
            ['name', 'count', 'members'],
          ),
        );
      }),
    );

  group
    .command('show <name>')
    .description('show a group: members, custom claims, apps restricted to it')
    .action((name: string) =>
      action(run, async (admin, { out }) => {
        const details = await admin.show(name);
        out.print(details, () => describeGroup(details));
      }),
    );

  group
    .command('remove <name>')
    .description('delete a group; it leaves its members and every app’s allowed groups')
    .action((name: string) =>
      action(run, async (admin, { out }) => {
        const removed = await admin.remove(CLI, name);
        out.print(
          removed,
          () => `removed group ${removed.name} (taken off ${removed.apps.length} app(s))`,
        );
      }),
    );

  group
    .command('add-member <name> <email>')
    .description('add a person to a group')
    .action((name: string, email: string) =>
      action(run, async (admin, { out }) => {
        const view = await admin.addMember(CLI, name, email);
        out.print(view, () => `${view.name}: ${view.members.join(', ')}`);
      }),
    );

  group
    .command('remove-member <name> <email>')
    .description('remove a person from a group (their tokens for apps open only to it stop)')
    .action((name: string, email: string) =>
      action(run, async (admin, { out }) => {
        const view = await admin.removeMember(CLI, name, email);
        out.print(view, () => `${view.name}: ${view.members.join(', ') || '(no members)'}`);
      }),
    );

  group
    .command('set-claim <group> <claim> <json>')
    .description('set a custom claim for the group’s members (released with scope profile)')
    .action((name: string, claim: string, json: string) =>
      action(run, async (admin, { out }) => {
        await admin.setGroupClaim(CLI, name, claim, parseClaimValue(json));
        out.print({ group: name, claim, value: JSON.parse(json) as unknown }, () => `set ${claim}`);
      }),
    );

  group
    .command('unset-claim <group> <claim>')
    .description('remove a custom claim from a group')
    .action((name: string, claim: string) =>
      action(run, async (admin, { out }) => {
        await admin.unsetGroupClaim(CLI, name, claim);
        out.print({ group: name, claim, removed: true }, () => `removed ${claim}`);
      }),
    );

  const user = program.commands.find((c) => c.name() === 'user');
  if (!user) throw new Error('register the user commands before the group commands');

  user
    .command('set-claim <email> <claim> <json>')
    .description('set a custom claim for a person (wins over their groups’ values)')
    .action((email: string, claim: string, json: string) =>
      action(run, async (admin, { out }) => {
        await admin.setUserClaim(CLI, email, claim, parseClaimValue(json));
        out.print({ email, claim, value: JSON.parse(json) as unknown }, () => `set ${claim}`);
      }),
    );

  user
    .command('unset-claim <email> <claim>')
    .description('remove a custom claim from a person')
    .action((email: string, claim: string) =>
      action(run, async (admin, { out }) => {
        await admin.unsetUserClaim(CLI, email, claim);
        out.print({ email, claim, removed: true }, () => `removed ${claim}`);
      }),
    );
}
