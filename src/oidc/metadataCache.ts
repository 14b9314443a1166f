import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { ProviderSwitch } from './providerSwitch.js';

/** The public metadata oidc-provider answers the same way for every request of one provider. */
const PATHS = new Set(['/.well-known/openid-configuration', '/jwks']);

interface Entry {
  json: string;
  type: string;
  etag: string;
}

/**
 * Serves discovery and the JWKS from their JSON as the current provider first answered it,
 * with an ETag (`If-None-Match` gets 304) and oidc-provider's CORS headers. Both documents
 * are fixed for a provider instance (issuer, configuration, keystore) and the issuer's origin;
 * a key rotation swaps the provider, and with it the cache. Nothing is cached before the
 * provider has answered 200.
 */
export function metadataCache(providers: ProviderSwitch, issuer: string): Middleware {
  const cache = new WeakMap<Provider, Map<string, Entry>>();
  const origin = new URL(issuer).origin;
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !PATHS.has(ctx.path)) return next();
    // oidc-provider writes endpoint URLs from the request's own origin: only requests made to
    // the issuer's origin share the cache, so a forged Host header can never poison it.
    if (`${ctx.protocol}://${ctx.host}` !== origin) return next();
    const provider = providers.current;
    const entries = cache.get(provider) ?? new Map<string, Entry>();
    let entry = entries.get(ctx.path);
    if (entry === undefined) {
      await next();
      const body: unknown = ctx.body;
      if (ctx.status !== 200 || typeof body !== 'object' || body === null) return;
      if (Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') return;
      const json = JSON.stringify(body);
      entry = { json, type: ctx.response.get('Content-Type'), etag: etagOf(json) };
      entries.set(ctx.path, entry);
      cache.set(provider, entries);
    } else {
      // What oidc-provider's CORS middleware for public endpoints sets.
      ctx.vary('Origin');
      ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
      (ctx as { _matchedRoute?: string })._matchedRoute = ctx.path;
      ctx.status = 200;
    }
    ctx.set('ETag', entry.etag);
    ctx.type = entry.type;
    ctx.body = entry.json;
    if (ctx.fresh) ctx.status = 304;
  };
}

function etagOf(json: string): string {
  return `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
}
