import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { BadRequest, NotFound } from '../http/errors.js';
import { StoreUnavailableError } from '../store/collection.js';
import { findClient } from '../http/clientName.js';

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
  // The app's preferred languages choose this interaction's pages (src/i18n/requestLocale.ts).
  ctx.state.uiLocales = details.params.ui_locales;
  // From here every error page of this sign-in returns to the app with an OAuth error.
  const clientId = String(details.params.client_id ?? '');
  ctx.state.clientId = clientId;
  const client = await findClient(provider, details).catch(() => undefined);
  ctx.state.wayOn = {
    href: `/interaction/${details.uid}/abort`,
    key: 'errorPage.backTo',
    params: { app: client?.clientName ?? clientId },
  };
  return details;
}

function expired() {
  return new NotFound(
    'interaction_expired',
    'This sign-in page has expired. Go back to the app you came from and sign in again from there.',
  );
}

/**
 * Loads the interaction and requires it to be at the login step (sign-up and recovery belong
 * there); otherwise the person is already signed in and is sent back to the app in words.
 */
export async function loadLoginInteraction(
  provider: Provider,
  ctx: Context,
): Promise<InteractionDetails> {
  const details = await loadInteraction(provider, ctx);
  if (details.prompt.name !== 'login') {
    throw new BadRequest(
      'not_signing_in',
      'You are already signed in. Go back to the app you came from.',
    );
  }
  return details;
}
