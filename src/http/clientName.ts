import type Provider from 'oidc-provider';

/** The display name of the client a request names in `client_id` (falls back to the id). */
export async function clientName(
  provider: Provider,
  details: { params: Record<string, unknown> },
): Promise<string> {
  const clientId = String(details.params.client_id ?? '');
  const client = await provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}
