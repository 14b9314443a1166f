import { isLoopbackHost } from '../config/config.js';

/**
 * Checks a redirect (or post-logout / back-channel) URI for registration: absolute, https
 * (http only for localhost and loopback), no fragment, no credentials. Returns a reason when
 * it is refused, `undefined` when it is fine. Matching at run time is exact (oidc-provider).
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (!URL.canParse(uri)) return 'must be an absolute URL such as https://app.example.com/callback';
  const url = new URL(uri);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'must use https (plain http is allowed only for localhost and loopback addresses)';
  }
  if (uri.includes('#')) return 'must not contain a fragment (#…)';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (uri.length > 2000) return 'is too long';
  return undefined;
}
