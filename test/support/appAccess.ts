import { oidcCollectionSpec, type OidcDoc } from '../../src/oidc/oidcCollectionSpec.js';
import type { Store } from '../../src/store/collection.js';

/**
 * Sets SPEC.md §11 metadata (`allowed_groups`, `passkey_policy`) on a registered client,
 * straight in the store where the provider reads clients at every request.
 */
export async function setClientAccess(
  store: Store,
  clientId: string,
  metadata: { allowed_groups?: string[]; passkey_policy?: 'any' | 'device-bound' },
): Promise<void> {
  const clients = await store.collection<OidcDoc>(oidcCollectionSpec('Client'));
  const doc = await clients.get(clientId);
  if (!doc) throw new Error(`no client ${clientId}`);
  await clients.upsert({ ...doc, payload: { ...doc.payload, ...metadata } });
}
