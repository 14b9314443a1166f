import { isIPv4, isIPv6 } from 'node:net';

/**
 * A coarse location for the activity list: an IPv4 address masked to its /24
 * (`203.0.113.x`), an IPv6 address to its /48 (`2001:db8:1::/48`). Anything else, and IPv6
 * addresses without a network part (`::1`), is dropped.
 */
export function maskIp(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.x`;
  if (isIPv6(ip)) {
    const [head = ''] = ip.split('::');
    const groups = head.split(':').filter(Boolean).slice(0, 3);
    // `::1` and the like have no network part worth showing.
    return groups.length ? `${groups.join(':')}::/48` : undefined;
  }
  return undefined;
}
