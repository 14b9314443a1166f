import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createClientRegistry } from '../oidc/clientRegistry.js';
import { outboundPolicyWarning } from '../oidc/outboundFetch.js';
import type { CliContext } from './cliContext.js';
import { table } from './output.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `sesame client add|list|show|remove|rotate-secret` (SPEC.md §3). */
export function clientCommands(
  program: Command,
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
): void {
  const client = program.command('client').description('manage OIDC clients (apps)');

  client
    .command('add')
    .description('register an app; prints {"client_id","client_secret"}')
    .requiredOption('--name <name>', 'name shown to people on the consent page')
    .requiredOption('--redirect-uri <uri>', 'exact redirect URI (repeatable)', collect)
    .option(
      '--post-logout-redirect-uri <uri>',
      'allowed post-logout redirect URI (repeatable)',
      collect,
    )
    .option('--backchannel-logout-uri <uri>', 'back-channel logout endpoint of the app')
    .option('--logo-uri <uri>', 'https URL of the app logo shown on sign-in and consent')
    .option('--public', 'public client (no secret; PKCE S256 required)')
    .option('--first-party', 'skip the consent page for this app')
    .action(
      (opts: {
        name: string;
        redirectUri: string[];
        postLogoutRedirectUri?: string[];
        backchannelLogoutUri?: string;
        logoUri?: string;
        public?: boolean;
        firstParty?: boolean;
      }) =>
        run(async ({ store, out }) => {
          const registry = await createClientRegistry(store);
          const created = await registry.add({
            name: opts.name,
            redirectUris: opts.redirectUri,
            postLogoutRedirectUris: opts.postLogoutRedirectUri ?? [],
            ...(opts.backchannelLogoutUri
              ? { backchannelLogoutUri: opts.backchannelLogoutUri }
              : {}),
            ...(opts.logoUri ? { logoUri: opts.logoUri } : {}),
            public: Boolean(opts.public),
            firstParty: Boolean(opts.firstParty),
          });
          out.print(created);
          if (!out.json && created.client_secret)
            console.error('Keep the client secret safe: it is shown only now.');
          const uri = opts.backchannelLogoutUri;
          const warning = uri && (await outboundPolicyWarning(uri, loadConfig().outboundPrivate));
          if (warning) console.error(`warning: ${warning}`);
        }),
    );

  client
    .command('list')
    .description('list registered apps')
    .action(() =>
      run(async ({ store, out }) => {
        const clients = await (await createClientRegistry(store)).list();
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
      run(async ({ store, out, fail }) => {
        const found = await (await createClientRegistry(store)).show(clientId);
        if (!found) return fail(`no client with id ${clientId}`);
        out.print(found);
      }),
    );

  client
    .command('remove <clientId>')
    .description('remove an app; its tokens stop working at once')
    .action((clientId: string) =>
      run(async ({ store, out, fail }) => {
        const removed = await (await createClientRegistry(store)).remove(clientId);
        if (!removed) return fail(`no client with id ${clientId}`);
        out.print({ removed: clientId }, () => `removed ${clientId}`);
      }),
    );

  client
    .command('rotate-secret <clientId>')
    .description('issue a new client secret (the old one stops working)')
    .action((clientId: string) =>
      run(async ({ store, out, fail }) => {
        const rotated = await (await createClientRegistry(store)).rotateSecret(clientId);
        if (!rotated) return fail(`no client with id ${clientId}`);
        out.print(rotated);
      }),
    );
}
