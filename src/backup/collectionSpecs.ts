import { CUSTOM_CLAIMS_SPEC } from '../groups/customClaims.js';
import { GROUP_SPECS } from '../groups/groupRepository.js';
import { KEYS_SPEC } from '../oidc/keyMaterial.js';
import { oidcCollectionSpec } from '../oidc/oidcCollectionSpec.js';
import type { CollectionSpec } from '../store/collection.js';

/**
 * The lookup fields of Sesame's own collections (oidc-provider's follow from their model
 * name), so an import can create every index before the first server start. A collection
 * missing here is still imported whole; the server adds its indexes when it first opens it.
 * test/integration/backup.test.ts checks this list against what a running server creates.
 */
const SPECS: readonly CollectionSpec[] = [
  { name: 'accounts', unique: ['email'] },
  { name: 'credentials', indexed: ['accountId'] },
  { name: 'audit_events', indexed: ['accountId', 'clientId', 'type'] },
  { name: 'recovery_tokens', indexed: ['accountId'] },
  { name: 'session_devices', indexed: ['accountId'] },
  ...GROUP_SPECS,
  CUSTOM_CLAIMS_SPEC,
  KEYS_SPEC,
];

/** The spec of collection `name`: its known unique and indexed fields, or just the name. */
export function collectionSpecFor(name: string): CollectionSpec {
  if (name.startsWith('oidc_')) return oidcCollectionSpec(name.slice('oidc_'.length));
  return SPECS.find((spec) => spec.name === name) ?? { name };
}
