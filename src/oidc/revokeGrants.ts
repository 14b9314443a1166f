import type { Store } from '../store/collection.js';
import { oidcCollectionSpec, type OidcDoc } from './oidcCollectionSpec.js';

const PREFIX = 'oidc_';

/**
 * Deletes the given grants and every artifact issued under them — access and refresh tokens,
 * authorization codes, and whatever other oidc-provider model carries the grant id — so refresh
 * fails with `invalid_grant` and resource servers get 401. Each grant goes first, so from then
 * on no token issued under it is accepted. Returns how many grants and artifacts went.
 */
export async function revokeGrants(
  store: Store,
  grantIds: Iterable<string>,
): Promise<{ grants: number; artifacts: number }> {
  const grants = await store.collection<OidcDoc>(oidcCollectionSpec('Grant'));
  const models = (await store.collectionNames())
    .filter((name) => name.startsWith(PREFIX) && name !== 'oidc_Client' && name !== grants.name)
    .map((name) => name.slice(PREFIX.length));
  const artifacts = await Promise.all(
    models.map((model) => store.collection<OidcDoc>(oidcCollectionSpec(model))),
  );
  const revoked = { grants: 0, artifacts: 0 };
  for (const grantId of grantIds) {
    if (await grants.delete(grantId)) revoked.grants += 1;
    for (const col of artifacts)
      revoked.artifacts += await col.deleteMany('payload.grantId', grantId);
  }
  return revoked;
}
