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

/**
 * The app as pages show it: its name and, when registered (standard `logo_uri` client
 * metadata) and served over https, its logo.
 */
export async function clientDisplay(
  provider: Provider,
  details: { params: Record<string, unknown> },
): Promise<{ clientName: string; clientLogo: string | undefined }> {
  const clientId = String(details.params.client_id ?? '');
  const client = await provider.Client.find(clientId);
  const logo = client?.logoUri;
  return {
    clientName: client?.clientName ?? clientId,
    clientLogo: typeof logo === 'string' && /^https:\/\/[^\s"'<>]+$/.test(logo) ? logo : undefined,
  };
}
