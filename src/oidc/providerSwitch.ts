import type { Middleware } from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';

/**
 * The provider in use, replaceable while the server runs. oidc-provider fixes its keystore and
 * cookie keys at construction, so a key rotation builds a new Provider and swaps it in here.
 */
export interface ProviderSwitch {
  /** The provider new requests go to. */
  readonly current: Provider;
  /** Routes later requests to `next`; requests already inside the old one finish there. */
  swap(next: Provider): void;
  /** Koa middleware dispatching each request to the current provider. */
  readonly middleware: Middleware;
}

/** Starts with `initial`; see {@link ProviderSwitch}. */
export function createProviderSwitch(initial: Provider): ProviderSwitch {
  let current = initial;
  let handler = mount(initial);
  return {
    get current() {
      return current;
    },
    swap(next) {
      handler = mount(next);
      current = next;
    },
    // Every provider shares the store, so an interaction begun on one finishes on the next.
    middleware: (ctx, next) => handler(ctx, next),
  };
}
