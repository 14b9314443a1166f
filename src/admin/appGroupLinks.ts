import type { Store } from '../store/collection.js';
import { oidcCollectionSpec, type OidcDoc } from '../oidc/oidcCollectionSpec.js';
import { allowedGroupsOf } from '../groups/appAccess.js';

/** An app that names a group among its allowed groups. */
export interface LinkedApp {
  client_id: string;
  client_name: string;
  allowed_groups: string[];
}

/** The apps that restrict access to a group, and taking a group off their lists. */
export interface AppGroupLinks {
  appsAllowing(group: string): Promise<LinkedApp[]>;
  /** Removes `group` from every app's allowed groups; returns the client ids changed. */
  drop(group: string): Promise<string[]>;
}

/** Reads and edits `allowed_groups` in the stored clients (where oidc-provider reads them). */
export async function createAppGroupLinks(store: Store): Promise<AppGroupLinks> {
  const clients = await store.collection<OidcDoc>(oidcCollectionSpec('Client'));
  const linked = async (group: string): Promise<OidcDoc[]> => {
    const out: OidcDoc[] = [];
    for await (const doc of clients.all())
      if (allowedGroupsOf(doc.payload).includes(group)) out.push(doc);
    return out;
  };
  return {
    async appsAllowing(group) {
      return (await linked(group)).map((doc) => ({
        client_id: doc.id,
        client_name: String(doc.payload.client_name ?? doc.id),
        allowed_groups: allowedGroupsOf(doc.payload),
      }));
    },
    async drop(group) {
      const changed: string[] = [];
      for (const doc of await linked(group)) {
        const allowed = allowedGroupsOf(doc.payload).filter((g) => g !== group);
        await clients.upsert({ ...doc, payload: { ...doc.payload, allowed_groups: allowed } });
        changed.push(doc.id);
      }
      return changed;
    },
  };
}
