import { randomBytes } from 'node:crypto';
import { ACCOUNT_CLIENT_ID } from '../account/accountClient.js';
import { oidcCollectionSpec, type OidcDoc } from '../oidc/oidcCollectionSpec.js';
import type { Store } from '../store/collection.js';
import type { Actor } from './actor.js';
import { newClientId } from './newClientId.js';
import type { RecordAdminAction } from './adminAudit.js';
import { notFound } from './adminErrors.js';
import {
  clientInputError,
  clientInputOf,
  clientMetadata,
  clientView,
  type ClientInput,
  type ClientView,
} from './clientMetadata.js';

/** Sesame's own clients (the account page); operators cannot see or change them. */
const INTERNAL_CLIENTS = new Set([ACCOUNT_CLIENT_ID]);

/** A client id and, for confidential clients, the secret (shown once). */
export interface ClientCredentials {
  client_id: string;
  client_secret?: string;
}

/** Operator rules for apps (OIDC clients), shared by the CLI, the console and the API. */
export interface ClientAdmin {
  add(actor: Actor, input: ClientInput): Promise<ClientCredentials>;
  list(): Promise<ClientView[]>;
  /** The app, or 404. */
  show(clientId: string): Promise<ClientView>;
  /**
   * Changes the given fields (absent ones keep their value). Becoming confidential issues a
   * secret, returned once; becoming public drops it.
   */
  update(
    actor: Actor,
    clientId: string,
    patch: Partial<ClientInput>,
  ): Promise<{ client: ClientView; client_secret?: string }>;
  remove(actor: Actor, clientId: string): Promise<void>;
  rotateSecret(actor: Actor, clientId: string): Promise<Required<ClientCredentials>>;
  /** How many apps operators registered. */
  count(): Promise<number>;
}

const newSecret = () => randomBytes(32).toString('base64url');

/**
 * Apps live in oidc-provider's `Client` collection, where the provider reads them at every
 * request; so an app added, changed or removed here takes effect at once, server running or not.
 */
export async function createClientAdmin(
  store: Store,
  record: RecordAdminAction,
): Promise<ClientAdmin> {
  const col = await store.collection<OidcDoc>(oidcCollectionSpec('Client'));
  const load = async (clientId: string): Promise<OidcDoc> => {
    const doc = INTERNAL_CLIENTS.has(clientId) ? undefined : await col.get(clientId);
    if (!doc) throw notFound(`no client with id ${clientId}`);
    return doc;
  };
  const payloadOf = (doc: OidcDoc) => doc.payload as Record<string, unknown>;
  return {
    async add(actor, input) {
      const metadata = clientMetadata(input);
      const clientId = newClientId();
      const secret = input.public ? undefined : newSecret();
      const payload = {
        client_id: clientId,
        ...metadata,
        ...(secret ? { client_secret: secret } : {}),
      };
      await col.insert({
        id: clientId,
        payload: payload as OidcDoc['payload'],
        createdAt: Date.now(),
      });
      await record(actor, { clientId, detail: `app “${String(metadata.client_name)}” added` });
      return secret ? { client_id: clientId, client_secret: secret } : { client_id: clientId };
    },
    async list() {
      const out: ClientView[] = [];
      for await (const doc of col.all())
        if (!INTERNAL_CLIENTS.has(doc.id)) out.push(clientView(payloadOf(doc)));
      return out;
    },
    async show(clientId) {
      return clientView(payloadOf(await load(clientId)));
    },
    async update(actor, clientId, patch) {
      const doc = await load(clientId);
      const current = payloadOf(doc);
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const merged: ClientInput = { ...clientInputOf(current), ...defined };
      // An empty string clears an optional URI.
      if (!merged.logoUri) delete merged.logoUri;
      if (!merged.backchannelLogoutUri) delete merged.backchannelLogoutUri;
      const metadata = clientMetadata(merged);
      let secret = typeof current.client_secret === 'string' ? current.client_secret : undefined;
      let issued: string | undefined;
      if (merged.public) secret = undefined;
      else if (!secret) secret = issued = newSecret();
      const payload = {
        client_id: clientId,
        ...metadata,
        ...(secret ? { client_secret: secret } : {}),
      };
      await col.upsert({ ...doc, payload: payload as OidcDoc['payload'] });
      const changed = Object.keys(defined).join(', ') || 'nothing';
      await record(actor, { clientId, detail: `app “${merged.name}” changed: ${changed}` });
      return { client: clientView(payload), ...(issued ? { client_secret: issued } : {}) };
    },
    async remove(actor, clientId) {
      const doc = await load(clientId);
      if (!(await col.delete(clientId))) throw notFound(`no client with id ${clientId}`);
      await record(actor, {
        clientId,
        detail: `app “${String(payloadOf(doc).client_name)}” removed`,
      });
    },
    async rotateSecret(actor, clientId) {
      const doc = await load(clientId);
      if (doc.payload.token_endpoint_auth_method === 'none')
        throw clientInputError('this is a public client: it has no secret to rotate');
      const secret = newSecret();
      await col.upsert({ ...doc, payload: { ...doc.payload, client_secret: secret } });
      await record(actor, { clientId, detail: 'client secret rotated' });
      return { client_id: clientId, client_secret: secret };
    },
    async count() {
      let n = 0;
      for await (const doc of col.all()) if (!INTERNAL_CLIENTS.has(doc.id)) n += 1;
      return n;
    },
  };
}
