import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { NotFound } from '../http/errors.js';
import { StoreUnavailableError } from '../store/collection.js';

/** The interaction details oidc-provider keeps for one sign-in. */
export type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Loads the interaction named in the URL from its cookie. A missing or expired interaction,
 * or a cookie for another interaction, is a 404 that tells the person to start again.
 */
export async function loadInteraction(
  provider: Provider,
  ctx: Context,
): Promise<InteractionDetails> {
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw err;
    throw expired();
  }
  if (details.uid !== ctx.params.uid) throw expired();
  return details;
}

function expired() {
  return new NotFound(
    'interaction_expired',
    'This sign-in page has expired. Go back to the app you came from and start again.',
  );
}

/** The client's display name for pages (falls back to its id). */
export async function clientName(provider: Provider, details: InteractionDetails): Promise<string> {
  const clientId = String(details.params.client_id ?? '');
  const client = await provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}

/** The request's origin facts recorded in audit events. */
export function requestOrigin(ctx: Context): { ip: string; userAgent: string } {
  return { ip: ctx.ip, userAgent: ctx.get('User-Agent').slice(0, 256) };
}
