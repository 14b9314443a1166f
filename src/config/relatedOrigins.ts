import { getDomainWithoutSuffix } from 'tldts';
import { ConfigError } from './configError.js';

/**
 * Browsers accept at most this many distinct labels (the registrable domain without its public
 * suffix: `example` for `shop.example.co.uk`) in `/.well-known/webauthn` (Chromium: 5).
 */
export const MAX_RELATED_ORIGIN_LABELS = 5;

/**
 * Parses `RELATED_ORIGINS`: comma-separated https origins (scheme, host, optional port; no
 * path, query or credentials), none repeated, none the issuer's own, at most
 * {@link MAX_RELATED_ORIGIN_LABELS} labels. Returns the origins, or a problem in words.
 */
export function parseRelatedOrigins(
  value: string | undefined,
  issuerOrigin: string,
): { origins: string[] } | { problem: string } {
  if (value === undefined || value.trim() === '') return { origins: [] };
  const origins: string[] = [];
  const labels = new Set<string>();
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (!item) return { problem: 'has an empty entry (check the commas)' };
    if (!URL.canParse(item)) return { problem: `has ${JSON.stringify(item)}, which is not a URL` };
    const url = new URL(item);
    if (url.protocol !== 'https:')
      return { problem: `has ${JSON.stringify(item)}: related origins must use https` };
    if (url.username || url.password || url.search || url.hash || url.pathname !== '/')
      return {
        problem: `has ${JSON.stringify(item)}: give only the origin, like https://example.com`,
      };
    if (url.origin === issuerOrigin)
      return { problem: `has ${JSON.stringify(item)}, which is ISSUER's own origin` };
    if (origins.includes(url.origin)) return { problem: `has ${JSON.stringify(url.origin)} twice` };
    origins.push(url.origin);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    labels.add(getDomainWithoutSuffix(host, { allowPrivateDomains: true }) ?? host);
  }
  if (labels.size > MAX_RELATED_ORIGIN_LABELS)
    return {
      problem: `names ${labels.size} different sites (${[...labels].join(', ')}); browsers accept at most ${MAX_RELATED_ORIGIN_LABELS}`,
    };
  return { origins };
}

/** {@link parseRelatedOrigins} for the start: a problem becomes a one-line {@link ConfigError}. */
export function relatedOriginsFrom(value: string | undefined, issuerOrigin: string): string[] {
  const parsed = parseRelatedOrigins(value, issuerOrigin);
  if ('problem' in parsed) throw new ConfigError(`RELATED_ORIGINS ${parsed.problem}`);
  return parsed.origins;
}
