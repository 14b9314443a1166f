import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuditLog, RequestOrigin } from '../accounts/auditLog.js';
import type { Doc, Store } from '../store/collection.js';
import type { Actor } from './actor.js';
import { invalidInput, notFound } from './adminErrors.js';
import { actorLabel, type RecordAdminAction } from './adminAudit.js';

/** A stored API token: only the SHA-256 of its secret part is kept. */
interface ApiTokenDoc extends Doc {
  name: string;
  hash: string;
  created: number;
  createdBy: string;
}

/** When a token was last used, kept apart so a use racing a revoke cannot bring it back. */
interface TokenUseDoc extends Doc {
  at: number;
}

/** An API token as `token list` shows it (never the secret). */
export interface ApiTokenView {
  id: string;
  name: string;
  created: string;
  lastUsed: string | null;
}

/** Operator rules for API tokens: made and revoked from the CLI, checked on every API call. */
export interface TokenAdmin {
  /** A new token; the returned `token` is the only time it is ever shown. */
  create(actor: Actor, name: string): Promise<{ id: string; name: string; token: string }>;
  list(): Promise<ApiTokenView[]>;
  revoke(actor: Actor, id: string): Promise<void>;
  /**
   * The token's id when `presented` is a live token, else `undefined`. Each accepted use is
   * audited and stamps `lastUsed`.
   */
  authenticate(
    presented: string,
    origin: RequestOrigin & { detail?: string },
  ): Promise<{ id: string } | undefined>;
}

/** `sesame_<16 hex id>_<43 base64url secret>`: the id finds the record, the secret proves it. */
const TOKEN = /^sesame_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest();
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Opens the `api_tokens` collection. */
export async function createTokenAdmin(
  store: Store,
  audit: AuditLog,
  record: RecordAdminAction,
): Promise<TokenAdmin> {
  const col = await store.collection<ApiTokenDoc>({ name: 'api_tokens' });
  const uses = await store.collection<TokenUseDoc>({ name: 'api_token_uses' });
  const view = async (d: ApiTokenDoc): Promise<ApiTokenView> => {
    const used = await uses.get(d.id);
    return {
      id: d.id,
      name: d.name,
      created: new Date(d.created).toISOString(),
      lastUsed: used ? new Date(used.at).toISOString() : null,
    };
  };
  return {
    async create(actor, rawName) {
      const name = rawName.trim();
      if (!name || name.length > 100 || CONTROL.test(name))
        throw invalidInput('the token name must be 1 to 100 characters');
      const id = randomBytes(8).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      await col.insert({
        id,
        name,
        hash: sha256(secret).toString('base64url'),
        created: Date.now(),
        createdBy: actorLabel(actor),
      });
      await record(actor, { detail: `API token ${id} (“${name}”) created` });
      return { id, name, token: `sesame_${id}_${secret}` };
    },
    async list() {
      const out: ApiTokenView[] = [];
      for await (const d of col.all()) out.push(await view(d));
      return out.sort((a, b) => a.created.localeCompare(b.created));
    },
    async revoke(actor, id) {
      if (!(await col.delete(id))) throw notFound(`no API token with id ${id}`);
      await uses.delete(id);
      await record(actor, { detail: `API token ${id} revoked` });
    },
    async authenticate(presented, origin) {
      const match = TOKEN.exec(presented);
      if (!match) return undefined;
      const [, id, secret] = match as unknown as [string, string, string];
      const doc = await col.get(id);
      if (!doc) return undefined;
      const expected = Buffer.from(doc.hash, 'base64url');
      const given = sha256(secret);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      await uses.upsert({ id, at: Date.now() });
      await audit.record({ type: 'api_token_used', actor: `token:${id}`, ...origin });
      return { id };
    },
  };
}
