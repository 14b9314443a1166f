import { BlockList, isIP } from 'node:net';
import type { Middleware } from 'koa';
import type { TrustProxy } from '../config/config.js';
import type { Logger } from '../log/createLogger.js';

const FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'] as const;
/** Probes and scrapers reach each instance directly, with or without a proxy in front. */
const DIRECT_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) as `10.0.0.1`. */
function plain(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return v4 ?? address;
}

/** The trusted proxies as a `net.BlockList` (used here as an allow list). */
function trustedList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/**
 * Decides, per request, whose `X-Forwarded-*` headers count, so Koa and oidc-provider (both
 * run with `proxy` on unless `TRUST_PROXY=false`) read only headers a trusted proxy wrote:
 *
 * - `false`: forwarded headers are removed.
 * - a list: they are removed unless the peer is in the list; the client is the right-most
 *   `X-Forwarded-For` address that is not itself a trusted proxy.
 * - `true`: any peer is believed (the last address counts); the first request that arrives
 *   without `X-Forwarded-For` shows the server is reached directly, which is logged once.
 *
 * An address that is not an IP address is never believed.
 */
export function forwardedHeaders(trust: TrustProxy, logger: Logger): Middleware {
  const list = Array.isArray(trust) ? trustedList(trust) : undefined;
  const trusted = (address: string) => {
    const a = plain(address);
    const family = isIP(a);
    return family !== 0 && list!.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
  let warned = false;
  return async (ctx, next) => {
    const headers = ctx.req.headers;
    const peer = ctx.req.socket.remoteAddress ?? '';
    if (trust === false || (list && !trusted(peer))) {
      for (const name of FORWARDED) delete headers[name];
      return next();
    }
    const chain = String(headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (trust === true && chain.length === 0 && !warned && !DIRECT_PATHS.has(ctx.path)) {
      warned = true;
      logger.warn(
        { peer },
        'TRUST_PROXY=true, but a request arrived without X-Forwarded-For: this server is reached directly, so clients can claim any address. Set TRUST_PROXY to the proxy addresses (or false).',
      );
    }
    if (list) {
      // Walk left past our own proxies: the first address none of them is, is the client.
      while (chain.length > 1 && trusted(chain.at(-1)!)) chain.pop();
    }
    const client = chain.at(-1);
    if (client !== undefined && isIP(plain(client))) headers['x-forwarded-for'] = plain(client);
    else delete headers['x-forwarded-for'];
    return next();
  };
}
