import { createAuditLog } from '../../src/accounts/auditLog.js';
import { adminActionRecorder } from '../../src/admin/adminAudit.js';
import { createClientAdmin, type ClientCredentials } from '../../src/admin/clientAdmin.js';
import type { ClientInput } from '../../src/admin/clientMetadata.js';
import type { Store } from '../../src/store/collection.js';

/** Registers an app in `store` through the admin service's client rules, as the CLI does. */
export async function registerClient(store: Store, input: ClientInput): Promise<ClientCredentials> {
  const clients = await createClientAdmin(store, adminActionRecorder(await createAuditLog(store)));
  return clients.add({ kind: 'cli' }, input);
}
