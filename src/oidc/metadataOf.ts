import type Provider from 'oidc-provider';

type Client = InstanceType<Provider['Client']>;
const known = new WeakMap<Client, Record<string, unknown>>();

/**
 * A client's metadata in its registered (snake_case) names, computed once per client instance.
 * oidc-provider's `client.metadata()` re-maps every property on each call (tens of µs), and a
 * sign-in asks for it several times (passkey policy, app access, first-party consent). Client
 * instances never change: new metadata in the store makes oidc-provider build a new one.
 */
export function metadataOf(client: Client): Record<string, unknown> {
  let metadata = known.get(client);
  if (metadata === undefined) {
    metadata = client.metadata();
    known.set(client, metadata);
  }
  return metadata;
}
