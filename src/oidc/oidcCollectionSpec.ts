import type { AdapterPayload } from 'oidc-provider';
import type { CollectionSpec, Doc } from '../store/collection.js';

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
