/**
 * The in-memory baseline's oidc-provider adapter (target `baseline-memory`): every model in a
 * Map in process memory, so the bench can show what Sesame's store costs the library itself.
 * Never part of the product.
 */
import { errors, type Adapter, type AdapterConstructor, type AdapterPayload } from 'oidc-provider';
import type { Collection, FieldValue, ListOptions } from '../src/store/collection.js';
import type { OidcDoc } from '../src/oidc/oidcCollectionSpec.js';

/** Payload fields looked up by value: by oidc-provider (uid, userCode, grantId) and by Sesame's grant lookup (accountId). */
const INDEXED = ['uid', 'userCode', 'grantId', 'accountId'] as const;
type IndexedField = (typeof INDEXED)[number];

/** How often expired entries are dropped (the SQLite store sweeps every 60 s too). */
const SWEEP_INTERVAL_MS = 60_000;

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; none: kept until destroyed. */
  expiresAt: number | undefined;
}

/** One model's entries, with an index id set per value of each {@link INDEXED} field. */
class ModelMap {
  private readonly entries = new Map<string, Entry>();
  private readonly index = new Map<IndexedField, Map<string, Set<string>>>(
    INDEXED.map((field) => [field, new Map()]),
  );

  /** The entry `id` unless missing or expired (an expired one is dropped). */
  live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.remove(id);
      return undefined;
    }
    return entry;
  }

  /** Ids of live entries whose payload `field` is `value`, in id order (as the store lists). */
  idsBy(field: IndexedField, value: string): string[] {
    const ids = [...(this.index.get(field)?.get(value) ?? [])];
    return ids.filter((id) => this.live(id) !== undefined).sort();
  }

  set(id: string, entry: Entry): void {
    this.remove(id);
    this.entries.set(id, entry);
    for (const [field, byValue] of this.index) {
      const value = entry.payload[field];
      if (typeof value !== 'string') continue;
      let ids = byValue.get(value);
      if (ids === undefined) byValue.set(value, (ids = new Set()));
      ids.add(id);
    }
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    for (const [field, byValue] of this.index) {
      const value = entry.payload[field];
      if (typeof value !== 'string') continue;
      const ids = byValue.get(value);
      ids?.delete(id);
      if (ids?.size === 0) byValue.delete(value);
    }
  }

  sweep(now: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.remove(id);
    }
  }
}

/** The adapter class to give oidc-provider, and the grant lookup Sesame's loadExistingGrant makes. */
export interface MemoryAdapter {
  Adapter: AdapterConstructor;
  /** Lists `Grant` entries by `payload.accountId`, as the store's Grant collection does. */
  grants: Pick<Collection<OidcDoc>, 'list'>;
}

/**
 * A Map adapter faithful to Sesame's store adapter (createAdapter.ts) where the bench goes:
 * `expiresIn` sets an expiry after which entries read as absent; `consume` sets `consumed` once
 * and refuses a second redemption with `invalid_grant`; `revokeByGrantId` deletes by an index.
 * Payloads are kept and handed out as given, as oidc-provider's own MemoryAdapter does (no
 * serialisation: that is part of what the store costs). The device flow's extras (atomic claim
 * of a user code, expired codes kept an hour) are left out: the baseline does not enable it.
 * `clients` (the store's `oidc_Client` documents) are copied in; every other model starts empty.
 */
export function createMemoryAdapter(clients: readonly OidcDoc[]): MemoryAdapter {
  const models = new Map<string, ModelMap>();
  const modelMap = (model: string): ModelMap => {
    let map = models.get(model);
    if (map === undefined) models.set(model, (map = new ModelMap()));
    return map;
  };
  const clientMap = modelMap('Client');
  for (const doc of clients)
    clientMap.set(doc.id, { payload: doc.payload, expiresAt: doc.expiresAt });
  setInterval(() => {
    const now = Date.now();
    for (const map of models.values()) map.sweep(now);
  }, SWEEP_INTERVAL_MS).unref();

  class MapAdapter implements Adapter {
    private readonly map: ModelMap;

    constructor(model: string) {
      this.map = modelMap(model);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      this.map.set(id, {
        payload,
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return this.map.live(id)?.payload;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.firstBy('uid', uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.firstBy('userCode', userCode);
    }

    /** Exactly one redemption succeeds: a missing or already consumed entry is refused. */
    async consume(id: string): Promise<void> {
      const entry = this.map.live(id);
      if (entry === undefined || entry.payload.consumed !== undefined)
        throw new errors.InvalidGrant('grant already used');
      // A new object: payloads already handed out by find stay as they were read.
      entry.payload = { ...entry.payload, consumed: Math.floor(Date.now() / 1000) };
    }

    async destroy(id: string): Promise<void> {
      this.map.remove(id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const id of this.map.idsBy('grantId', grantId)) this.map.remove(id);
    }

    private firstBy(field: IndexedField, value: string): AdapterPayload | undefined {
      const [id] = this.map.idsBy(field, value);
      return id === undefined ? undefined : this.map.live(id)?.payload;
    }
  }

  const grantMap = modelMap('Grant');
  const grants: MemoryAdapter['grants'] = {
    async list(field: string, value: FieldValue, options: ListOptions = {}): Promise<OidcDoc[]> {
      if (field !== 'payload.accountId' || typeof value !== 'string')
        throw new Error(`the in-memory Grant lookup is by payload.accountId, not ${field}`);
      let ids = grantMap.idsBy('accountId', value);
      if (options.newestFirst) ids = ids.reverse();
      if (options.limit !== undefined) ids = ids.slice(0, options.limit);
      return ids.flatMap((id) => {
        const entry = grantMap.live(id);
        return entry ? [{ id, payload: entry.payload, expiresAt: entry.expiresAt }] : [];
      });
    },
  };
  return { Adapter: MapAdapter, grants };
}
