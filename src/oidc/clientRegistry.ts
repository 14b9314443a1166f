import { randomBytes } from 'node:crypto';
import type { Store } from '../store/collection.js';
import { oidcCollectionSpec, type OidcDoc } from './oidcCollectionSpec.js';
import { redirectUriProblem } from './validateRedirectUri.js';

/** What an operator registers (SPEC.md §3 `client add`). */
export interface ClientInput {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  /** The app's logo (https), shown on sign-in and consent (`logo_uri` client metadata). */
  logoUri?: string;
  public?: boolean;
  firstParty?: boolean;
}

/** A registered client as the CLI shows it (the secret only on creation and rotation). */
export interface ClientView {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  backchannel_logout_uri?: string;
  logo_uri?: string;
  token_endpoint_auth_method: string;
  first_party: boolean;
  public: boolean;
}

/** Thrown for an invalid registration; the message names the option and the problem. */
export class ClientInputError extends Error {
  override readonly name = 'ClientInputError';
}

export interface ClientRegistry {
  add(input: ClientInput): Promise<{ client_id: string; client_secret?: string }>;
  list(): Promise<ClientView[]>;
  show(clientId: string): Promise<ClientView | undefined>;
  remove(clientId: string): Promise<boolean>;
  rotateSecret(clientId: string): Promise<{ client_id: string; client_secret: string } | undefined>;
}

/**
 * Clients live in oidc-provider's `Client` collection, where the provider reads them at every
 * request; so a client added, changed or removed here takes effect at once, server running
 * or not.
 */
export async function createClientRegistry(store: Store): Promise<ClientRegistry> {
  const col = await store.collection<OidcDoc>(oidcCollectionSpec('Client'));
  const view = (doc: OidcDoc): ClientView => {
    const p = doc.payload as Record<string, unknown>;
    return {
      client_id: String(p.client_id),
      client_name: String(p.client_name ?? ''),
      redirect_uris: (p.redirect_uris as string[]) ?? [],
      post_logout_redirect_uris: (p.post_logout_redirect_uris as string[]) ?? [],
      ...(p.backchannel_logout_uri
        ? { backchannel_logout_uri: String(p.backchannel_logout_uri) }
        : {}),
      ...(p.logo_uri ? { logo_uri: String(p.logo_uri) } : {}),
      token_endpoint_auth_method: String(p.token_endpoint_auth_method),
      first_party: p.first_party === true,
      public: p.token_endpoint_auth_method === 'none',
    };
  };
  return {
    async add(input) {
      const name = input.name.trim();
      if (!name || name.length > 100)
        throw new ClientInputError('--name must be 1 to 100 characters');
      if (input.redirectUris.length === 0)
        throw new ClientInputError('--redirect-uri is required (at least one)');
      checkUris('--redirect-uri', input.redirectUris);
      checkUris('--post-logout-redirect-uri', input.postLogoutRedirectUris ?? []);
      if (input.backchannelLogoutUri)
        checkUris('--backchannel-logout-uri', [input.backchannelLogoutUri]);
      if (
        input.logoUri &&
        !(/^https:\/\/[^\s"'<>]+$/.test(input.logoUri) && URL.canParse(input.logoUri))
      )
        throw new ClientInputError('--logo-uri must be an https URL of an image');
      const clientId = randomBytes(12).toString('base64url');
      const secret = input.public ? undefined : randomBytes(32).toString('base64url');
      const payload: Record<string, unknown> = {
        client_id: clientId,
        client_name: name,
        application_type: 'web',
        redirect_uris: unique(input.redirectUris),
        post_logout_redirect_uris: unique(input.postLogoutRedirectUris ?? []),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: input.public ? 'none' : 'client_secret_basic',
        first_party: input.firstParty === true,
        ...(secret ? { client_secret: secret } : {}),
        ...(input.logoUri ? { logo_uri: input.logoUri } : {}),
        ...(input.backchannelLogoutUri
          ? {
              backchannel_logout_uri: input.backchannelLogoutUri,
              backchannel_logout_session_required: true,
            }
          : {}),
      };
      await col.insert({
        id: clientId,
        payload: payload as OidcDoc['payload'],
        createdAt: Date.now(),
      });
      return secret ? { client_id: clientId, client_secret: secret } : { client_id: clientId };
    },
    async list() {
      const out: ClientView[] = [];
      for await (const doc of col.all()) out.push(view(doc));
      return out;
    },
    async show(clientId) {
      const doc = await col.get(clientId);
      return doc ? view(doc) : undefined;
    },
    remove: (clientId) => col.delete(clientId),
    async rotateSecret(clientId) {
      const doc = await col.get(clientId);
      if (!doc) return undefined;
      if (doc.payload.token_endpoint_auth_method === 'none') {
        throw new ClientInputError('this is a public client: it has no secret to rotate');
      }
      const secret = randomBytes(32).toString('base64url');
      await col.upsert({ ...doc, payload: { ...doc.payload, client_secret: secret } });
      return { client_id: clientId, client_secret: secret };
    },
  };
}

function checkUris(option: string, uris: string[]): void {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new ClientInputError(`${option} ${JSON.stringify(uri)} ${problem}`);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
