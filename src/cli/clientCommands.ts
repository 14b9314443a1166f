import type { Command } from 'commander';
import type { ClientInput, PasskeyPolicy } from '../admin/clientMetadata.js';
import { loadConfig } from '../config/config.js';
import { outboundPolicyWarning } from '../oidc/outboundFetch.js';
import { CLI, withAdmin } from './adminContext.js';
import type { CliContext } from './cliContext.js';
import { table } from './output.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options `client add` and `client update` share. */
interface ClientOptions {
  name?: string;
  redirectUri?: string[];
  postLogoutRedirectUri?: string[];
  backchannelLogoutUri?: string;
  logoUri?: string;
  public?: boolean;
  firstParty?: boolean;
  device?: boolean;
  allowedGroup?: string[];
  /** `false` after `--no-allowed-groups`. */
  allowedGroups?: boolean;
  passkeyPolicy?: string;
}

function clientOptions(command: Command, update: boolean): Command {
  const name = update ? '--name <name>' : '--name <name>';
  return command[update ? 'option' : 'requiredOption'](
    name,
    'name shown to people on the consent page',
  )
    .option('--redirect-uri <uri>', 'exact redirect URI (repeatable)', collect)
    .option(
      '--post-logout-redirect-uri <uri>',
      'allowed post-logout redirect URI (repeatable)',
      collect,
    )
    .option('--backchannel-logout-uri <uri>', 'back-channel logout endpoint of the app')
    .option('--logo-uri <uri>', 'https URL of the app’s logo, shown on sign-in and consent')
    .option('--public', 'public client (no secret; PKCE S256 required)')
    .option('--first-party', 'skip the consent page for this app')
    .option(
      '--device',
      'allow the device authorization grant (TVs, terminals; no redirect URI needed)',
    )
    .option(
      '--allowed-group <group>',
      'only members of this group may sign in (repeatable)',
      collect,
    )
    .option('--passkey-policy <policy>', 'any | device-bound');
}

/** The service's input from the options given (absent options stay absent). */
function toInput(o: ClientOptions): Partial<ClientInput> {
  const input: Partial<ClientInput> = {};
  if (o.name !== undefined) input.name = o.name;
  if (o.redirectUri) input.redirectUris = o.redirectUri;
  if (o.postLogoutRedirectUri) input.postLogoutRedirectUris = o.postLogoutRedirectUri;
  if (o.backchannelLogoutUri !== undefined) input.backchannelLogoutUri = o.backchannelLogoutUri;
  if (o.logoUri !== undefined) input.logoUri = o.logoUri;
  if (o.public !== undefined) input.public = o.public;
  if (o.firstParty !== undefined) input.firstParty = o.firstParty;
  if (o.device !== undefined) input.device = o.device;
  if (o.allowedGroup) input.allowedGroups = o.allowedGroup;
  if (o.allowedGroups === false) input.allowedGroups = [];
  if (o.passkeyPolicy !== undefined) input.passkeyPolicy = o.passkeyPolicy as PasskeyPolicy;
  return input;
}

/** Warns (stderr) when OUTBOUND_PRIVATE=deny will keep back-channel logout from reaching `uri`. */
async function warnAboutOutbound(uri: string | undefined): Promise<void> {
  const warning = uri && (await outboundPolicyWarning(uri, loadConfig().outboundPrivate));
  if (warning) console.error(`warning: ${warning}`);
}

/** `sesame client add|update|list|show|remove|rotate-secret` (SPEC.md §3, §11). */
export function clientCommands(
  program: Command,
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
): void {
  const client = program.command('client').description('manage OIDC clients (apps)');

  clientOptions(client.command('add'), false)
    .description('register an app; prints {"client_id","client_secret"}')
    .action((opts: ClientOptions & { name: string }) =>
      withAdmin(run, async (admin, { out, fail }) => {
        if (opts.allowedGroups === false && opts.allowedGroup)
          return fail('give either --allowed-group or --no-allowed-groups, not both');
        const created = await admin.clients.add(CLI, { ...toInput(opts), name: opts.name });
        out.print(created);
        if (!out.json && created.client_secret)
          console.error('Keep the client secret safe: it is shown only now.');
        await warnAboutOutbound(opts.backchannelLogoutUri);
      }),
    );

  clientOptions(client.command('update <clientId>'), true)
    .option('--no-public', 'make it a confidential client (a secret is issued and printed)')
    .option('--no-first-party', 'ask for consent again')
    .option('--no-device', 'stop allowing the device authorization grant')
    .option('--no-allowed-groups', 'let everyone sign in (clears the allowed groups)')
    .description('change an app in place; lists given replace the old ones')
    .action((clientId: string, opts: ClientOptions) =>
      withAdmin(run, async (admin, { out, fail }) => {
        if (opts.allowedGroups === false && opts.allowedGroup)
          return fail('give either --allowed-group or --no-allowed-groups, not both');
        const updated = await admin.clients.update(CLI, clientId, toInput(opts));
        await warnAboutOutbound(opts.backchannelLogoutUri);
        out.print(
          updated.client_secret
            ? { ...updated.client, client_secret: updated.client_secret }
            : updated.client,
        );
      }),
    );

  client
    .command('list')
    .description('list registered apps')
    .action(() =>
      withAdmin(run, async (admin, { out }) => {
        const clients = await admin.clients.list();
        out.print(clients, () =>
          table(clients as unknown as Record<string, unknown>[], [
            'client_id',
            'client_name',
            'token_endpoint_auth_method',
            'first_party',
            'redirect_uris',
          ]),
        );
      }),
    );

  client
    .command('show <clientId>')
    .description('show one app')
    .action((clientId: string) =>
      withAdmin(run, async (admin, { out }) => out.print(await admin.clients.show(clientId))),
    );

  client
    .command('remove <clientId>')
    .description('remove an app; its tokens stop working at once')
    .action((clientId: string) =>
      withAdmin(run, async (admin, { out }) => {
        await admin.clients.remove(CLI, clientId);
        out.print({ removed: clientId }, () => `removed ${clientId}`);
      }),
    );

  client
    .command('rotate-secret <clientId>')
    .description('issue a new client secret (the old one stops working)')
    .action((clientId: string) =>
      withAdmin(run, async (admin, { out }) =>
        out.print(await admin.clients.rotateSecret(CLI, clientId)),
      ),
    );
}
