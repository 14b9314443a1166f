import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** SPEC.md §15: whether outgoing calls may reach private and loopback addresses. */
export type OutboundPolicy = 'allow' | 'deny';

// Loopback, private, shared, link-local, documentation, benchmarking, multicast and reserved
// ranges: what a self-hosted app may live on, and what `deny` keeps outgoing calls away from.
const SPECIAL_USE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const)
  SPECIAL_USE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 127], // :: and ::1
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  SPECIAL_USE.addSubnet(network, prefix, 'ipv6');

/** True for a loopback, private, link-local or other special-use IP address. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return SPECIAL_USE.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return SPECIAL_USE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The private addresses the host of `url` is or resolves to (empty if none or unresolvable). */
export async function privateAddressesOf(url: string): Promise<string[]> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return isPrivateAddress(host) ? [host] : [];
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.map((a) => a.address).filter(isPrivateAddress);
  } catch {
    return [];
  }
}

type FetchInit = RequestInit & { dispatcher?: unknown };

/**
 * oidc-provider's `fetch` with the SPEC.md §15 policy. oidc-provider hands every outgoing call
 * a dispatcher that refuses special-use addresses; with `allow` (the default) that guard is
 * dropped, because back-channel logout goes to URIs only the operator registers and self-hosted
 * apps live on loopback, docker and LAN addresses. With `deny` the host is checked before the
 * call and oidc-provider's connect-time guard stays in place (it also stops DNS rebinding).
 */
export function outboundFetch(
  policy: OutboundPolicy,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init: FetchInit = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    if (policy === 'allow') {
      const { dispatcher: _guard, ...rest } = init;
      return fetch(input, rest);
    }
    const refused = await privateAddressesOf(url);
    if (refused.length > 0) {
      throw new Error('fetch failed', {
        cause: new Error(
          `OUTBOUND_PRIVATE=deny: ${new URL(url).host} is a private address (${refused.join(', ')})`,
        ),
      });
    }
    return fetch(input, init as RequestInit);
  };
}

/**
 * Why `uri` will not be reached under `policy`, for `client add` and the admin service to show
 * the operator; `undefined` when it will be.
 */
export async function outboundPolicyWarning(
  uri: string,
  policy: OutboundPolicy,
): Promise<string | undefined> {
  if (policy === 'allow') return undefined;
  const refused = await privateAddressesOf(uri);
  if (refused.length === 0) return undefined;
  return `${uri} is a private or loopback address (${refused.join(', ')}): with OUTBOUND_PRIVATE=deny, back-channel logout will not reach it. Set OUTBOUND_PRIVATE=allow or use a public address.`;
}
