import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Collection, CollectionSpec, Doc, Store } from '../store/collection.js';

/** What oidc-provider stores for one model instance: its payload and expiry. */
export interface OidcDoc extends Doc {
  payload: AdapterPayload;
}

/** The collection layout of each oidc-provider model (`oidc_<Model>`). */
export function oidcCollectionSpec(model: string): CollectionSpec {
  const spec: { name: string; unique: string[]; indexed: string[] } = {
    name: `oidc_${model}`,
    unique: [],
    indexed: ['payload.grantId'],
  };
  if (model === 'Session') {
    spec.unique.push('payload.uid');
    spec.indexed.push('payload.accountId');
  }
  if (model === 'Grant') spec.indexed.push('payload.accountId');
  if (model === 'DeviceCode' || model === 'BackchannelAuthenticationRequest')
    spec.unique.push('payload.userCode');
  return spec;
}

/**
 * oidc-provider's adapter over the store port: one collection per model, `expiresAt` from
 * `expiresIn`, `consume` as an atomic set-if-absent, `revokeByGrantId` as one indexed delete.
 */
export function createAdapter(store: Store): new (model: string) => Adapter {
  return class StoreAdapter implements Adapter {
    private readonly col: Promise<Collection<OidcDoc>>;

    constructor(model: string) {
      this.col = store.collection<OidcDoc>(oidcCollectionSpec(model));
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const doc: OidcDoc = { id, payload };
      if (expiresIn) doc.expiresAt = Date.now() + expiresIn * 1000;
      await (await this.col).upsert(doc);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return (await (await this.col).get(id))?.payload;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await (await this.col).findOne('payload.uid', uid))?.payload;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await (await this.col).findOne('payload.userCode', userCode))?.payload;
    }

    async consume(id: string): Promise<void> {
      await (await this.col).setIfAbsent(id, 'payload.consumed', Math.floor(Date.now() / 1000));
    }

    async destroy(id: string): Promise<void> {
      await (await this.col).delete(id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await (await this.col).deleteMany('payload.grantId', grantId);
    }
  };
}
