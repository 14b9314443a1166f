import type Provider from 'oidc-provider';

type Client = NonNullable<Awaited<ReturnType<Provider['Client']['find']>>>;
const found = new WeakMap<object, Promise<Client | undefined>>();

/**
 * The client a request's details name in `client_id`, looked up once per details object: the
 * pages of one request ask for it several times (name, logo, passkey policy, form targets),
 * and each `Client.find` reads the store and hashes the metadata.
 */
export function findClient(
  provider: Provider,
  details: { params: Record<string, unknown> },
): Promise<Client | undefined> {
  let client = found.get(details);
  if (client === undefined) {
    client = provider.Client.find(String(details.params.client_id ?? ''));
    found.set(details, client);
  }
  return client;
}

/** The display name of the client a request names in `client_id` (falls back to the id). */
export async function clientName(
  provider: Provider,
  details: { params: Record<string, unknown> },
): Promise<string> {
  const client = await findClient(provider, details);
  return client?.clientName ?? String(details.params.client_id ?? '');
}

/**
 * The app as pages show it: its name and, when registered (standard `logo_uri` client
 * metadata) and served over https, its logo.
 */
export async function clientDisplay(
  provider: Provider,
  details: { params: Record<string, unknown> },
): Promise<{ clientName: string; clientLogo: string | undefined }> {
  const clientId = String(details.params.client_id ?? '');
  const client = await findClient(provider, details);
  const logo = client?.logoUri;
  return {
    clientName: client?.clientName ?? clientId,
    clientLogo: typeof logo === 'string' && /^https:\/\/[^\s"'<>]+$/.test(logo) ? logo : undefined,
  };
}
