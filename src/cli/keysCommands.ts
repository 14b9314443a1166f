import type { Command } from 'commander';
import { listKeys } from '../oidc/describeKeys.js';
import { loadKeyMaterial } from '../oidc/keyMaterial.js';
import { KEY_POLL_MS } from '../oidc/keyWatcher.js';
import { DEFAULT_ACTIVATION_DELAY_MS, rotateKeys, type RotatableKind } from '../oidc/rotateKeys.js';
import type { CliContext } from './cliContext.js';
import { table } from './output.js';

function seconds(value: string): number {
  if (!/^\d{1,6}$/.test(value)) throw new Error('--activate-in takes a whole number of seconds');
  return Number(value);
}

/**
 * `sesame keys list|rotate` (SPEC.md §3): shows key ids, algorithms and where each key stands
 * (never private material), and rotates signing and cookie keys; running servers pick the
 * change up by themselves.
 */
export function keysCommands(
  program: Command,
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
): void {
  const keys = program.command('keys').description('signing and cookie keys');

  keys
    .command('list')
    .description('list the keys and where each stands (next, active, previous, retiring)')
    .action(() =>
      run(async ({ store, out }) => {
        const list = await listKeys(store);
        out.print(list, () =>
          table(list as unknown as Record<string, unknown>[], [
            'id',
            'kind',
            'alg',
            'kid',
            'status',
            'createdAt',
            'activatesAt',
            'retiresAt',
          ]),
        );
      }),
    );

  keys
    .command('rotate')
    .description(
      'publish new signing keys and a new cookie key; the previous ones keep verifying until what they signed has expired',
    )
    .option('--signing', 'rotate only the signing keys')
    .option('--cookie', 'rotate only the cookie key')
    .option(
      '--activate-in <seconds>',
      `publish now, sign from this many seconds on (0: at once, e.g. after a leak)`,
      String(DEFAULT_ACTIVATION_DELAY_MS / 1000),
    )
    .action((opts: { signing?: boolean; cookie?: boolean; activateIn: string }) =>
      run(async ({ store, out, fail }) => {
        let activateIn: number;
        try {
          activateIn = seconds(opts.activateIn);
        } catch (err) {
          return fail((err as Error).message);
        }
        const kinds: RotatableKind[] =
          opts.signing && !opts.cookie
            ? ['signing']
            : opts.cookie && !opts.signing
              ? ['cookie']
              : ['signing', 'cookie'];
        // A store no server has started yet gets its first keys, so there is something to rotate.
        await loadKeyMaterial(store);
        const result = await rotateKeys(store, { kinds, activateInMs: activateIn * 1000 });
        out.print(result, () => {
          const fresh = result.created
            .map((k) => (k.kind === 'signing' ? `signing ${k.alg} ${k.kid}` : `${k.kind} ${k.id}`))
            .join(', ');
          const from = result.created[0]?.activatesAt ?? 'now';
          const until = (kind: string) =>
            result.retiring.find((k) => k.kind === kind && k.retiresAt)?.retiresAt;
          return [
            `Published ${fresh}; they sign from ${from}.`,
            `Running servers pick this up within ${KEY_POLL_MS / 1000} seconds, without a restart.`,
            until('signing') && `Previous signing keys stay in the JWKS until ${until('signing')}.`,
            until('cookie') && `Previous cookie keys stay accepted until ${until('cookie')}.`,
          ]
            .filter(Boolean)
            .join('\n');
        });
      }),
    );
}
