import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Doc, Store } from '../store/collection.js';

/** The device authorization grant's `grant_type` (RFC 8628). */
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 8628 §3.2: the polling interval when the server names none, and the slow_down step. */
export const POLL_INTERVAL_SECONDS = 5;
const SLOW_DOWN_STEP_SECONDS = 5;
/** A poll this much early still counts as on time (network and timer jitter). */
const LEEWAY_MS = 500;

interface PollDoc extends Doc {
  last: number;
  interval: number;
  expiresAt: number;
}

/**
 * oidc-provider middleware for RFC 8628 pacing, which oidc-provider itself does not enforce:
 * the device authorization response names the `interval`, and a device that polls the token
 * endpoint sooner than its interval while the person has not finished gets `slow_down`, with
 * its interval 5 seconds longer from then on. Poll times live in the store (keyed by a hash
 * of the device code), so every process agrees.
 */
export async function devicePollPacing(store: Store): Promise<Middleware> {
  const polls = await store.collection<PollDoc>({ name: 'device_polls' });
  return async (koaCtx, next) => {
    await next();
    const ctx = koaCtx as unknown as KoaContextWithOIDC;
    const route = ctx.oidc?.route;
    if (route === 'device_authorization' && ctx.status === 200 && isObject(ctx.body)) {
      ctx.body = { ...ctx.body, interval: POLL_INTERVAL_SECONDS };
      return;
    }
    if (route !== 'token' || ctx.oidc.params?.grant_type !== DEVICE_GRANT) return;
    if (!isObject(ctx.body) || ctx.body.error !== 'authorization_pending') return;
    const id = createHash('sha256').update(String(ctx.oidc.params.device_code)).digest('base64url');
    const now = Date.now();
    const seen = await polls.get(id);
    let interval = seen?.interval ?? POLL_INTERVAL_SECONDS;
    if (seen && now - seen.last < interval * 1000 - LEEWAY_MS) {
      interval += SLOW_DOWN_STEP_SECONDS;
      ctx.body = {
        error: 'slow_down',
        error_description: `polling too quickly: wait at least ${interval} seconds between requests`,
      };
    }
    await polls.upsert({ id, last: now, interval, expiresAt: now + 15 * 60_000 });
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value);
}
