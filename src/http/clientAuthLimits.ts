import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import coBody from 'co-body';
import type { Context, Middleware } from 'koa';
import { TooManyRequests } from './errors.js';
import type { Limits, RateLimiter } from './rateLimiter.js';

/** The endpoints where a client authenticates with its secret (`/device/auth`: RFC 8628). */
const CLIENT_AUTH_PATHS = new Set([
  '/token',
  '/token/introspection',
  '/token/revocation',
  '/device/auth',
]);
/** oidc-provider's own body limit for these endpoints. */
const BODY_LIMIT = 56 * 1024;

/** The client id of `Authorization: Basic`, if the request carries one. */
function basicClientId(ctx: Context): string | undefined {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(ctx.get('Authorization'))?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

/**
 * Reads the form body to learn its `client_id` (client_secret_post), then hands oidc-provider
 * a request that replays the same bytes, so it parses the body exactly as it would have.
 */
async function bodyClientId(ctx: Context): Promise<string | undefined> {
  if (!ctx.is('application/x-www-form-urlencoded')) return undefined;
  // latin1 maps every byte to one character and back, so the replay is byte for byte.
  const bytes = Buffer.from(
    await coBody.text(ctx.req, { limit: BODY_LIMIT, encoding: 'latin1' }),
    'latin1',
  );
  const original = ctx.req;
  const replay = Object.assign(Readable.from([bytes], { objectMode: false }), {
    headers: original.headers,
    rawHeaders: original.rawHeaders,
    method: original.method,
    url: original.url,
    httpVersion: original.httpVersion,
    socket: original.socket,
  }) as unknown as IncomingMessage;
  ctx.req = ctx.request.req = replay;
  return new URLSearchParams(bytes.toString('utf8')).get('client_id') ?? undefined;
}

/**
 * Limits failed client authentications (wrong or unknown client secrets) at the token,
 * introspection, revocation and device authorization endpoints, per client IP and per client id: past a limit the
 * endpoint answers 429 with `Retry-After` until the window ends, even for the right secret.
 * Windows end by themselves, so no client is ever locked out for good.
 */
export function clientAuthLimits(limiter: RateLimiter, limits: Limits): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !CLIENT_AUTH_PATHS.has(ctx.path)) return next();
    const ipKey = `client-auth:ip:${ctx.ip}`;
    const clientId = basicClientId(ctx) ?? (await bodyClientId(ctx));
    const clientKey = clientId === undefined ? undefined : `client-auth:client:${clientId}`;
    try {
      await limiter.check(ipKey, limits.clientAuthPerIp);
      if (clientKey) await limiter.check(clientKey, limits.clientAuthPerClient);
    } catch (err) {
      if (!(err instanceof TooManyRequests)) throw err;
      ctx.status = 429;
      for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
      ctx.body = {
        error: 'rate_limited',
        error_description: `Too many failed client authentications. Try again in ${err.headers['Retry-After']} seconds.`,
      };
      return;
    }
    await next();
    if (ctx.status !== 401 || (ctx.body as { error?: unknown })?.error !== 'invalid_client') return;
    const count = (key: string, limit: Limits[keyof Limits]) =>
      limiter.hit(key, limit).catch((err: unknown) => {
        if (!(err instanceof TooManyRequests)) throw err;
      });
    await count(ipKey, limits.clientAuthPerIp);
    if (clientKey) await count(clientKey, limits.clientAuthPerClient);
  };
}
