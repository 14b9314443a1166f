import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Collection, Store } from '../store/collection.js';
import { oidcCollectionSpec, type OidcDoc } from './oidcCollectionSpec.js';

/**
 * Device codes stay stored this long after they expire (oidc-provider checks `exp` itself), so
 * the person typing an old code reads "expired" rather than "not right", and the polling device
 * gets `expired_token` (RFC 8628) rather than `invalid_grant`.
 */
const EXPIRED_DEVICE_CODE_KEPT_SECONDS = 3600;

/**
 * A second person (or tab) confirming a user code that another has just confirmed. oidc-provider
 * checks `inFlight` and then saves it, so two confirmations at once would both pass; the
 * adapter makes the claim atomic and refuses the loser, shown as "already used".
 */
class DeviceCodeTaken extends errors.InvalidRequest {
  constructor() {
    super('the user code is already being used');
    this.name = 'AlreadyUsedError';
  }
}

/**
 * oidc-provider's adapter over the store port: one collection per model, `expiresAt` from
 * `expiresIn`, `consume` as an atomic set-if-absent (exactly once), `revokeByGrantId` as one indexed delete.
 */
export function createAdapter(store: Store): new (model: string) => Adapter {
  return class StoreAdapter implements Adapter {
    private readonly col: Promise<Collection<OidcDoc>>;
    private readonly keptAfterExpiry: number;
    private readonly deviceCodes: boolean;

    constructor(model: string) {
      this.col = store.collection<OidcDoc>(oidcCollectionSpec(model));
      this.deviceCodes = model === 'DeviceCode';
      this.keptAfterExpiry = this.deviceCodes ? EXPIRED_DEVICE_CODE_KEPT_SECONDS : 0;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const doc: OidcDoc = { id, payload };
      // The confirmation of a user code (inFlight set, no outcome yet) is claimed atomically.
      if (this.deviceCodes && payload.inFlight && !payload.accountId && !payload.error) {
        const claimed = await (await this.col).setIfAbsent(id, 'payload.inFlight', true);
        if (!claimed) throw new DeviceCodeTaken();
      }
      if (expiresIn) doc.expiresAt = Date.now() + (expiresIn + this.keptAfterExpiry) * 1000;
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

    /**
     * Marks a code or refresh token used. oidc-provider checks `consumed` before calling this,
     * so two concurrent redemptions both get here; only the first sets it, and the loser fails
     * with `invalid_grant` — exactly one redemption succeeds, across processes too.
     */
    async consume(id: string): Promise<void> {
      const first = await (
        await this.col
      ).setIfAbsent(id, 'payload.consumed', Math.floor(Date.now() / 1000));
      if (!first) throw new errors.InvalidGrant('grant already used');
    }

    async destroy(id: string): Promise<void> {
      await (await this.col).delete(id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await (await this.col).deleteMany('payload.grantId', grantId);
    }
  };
}
