import { randomBytes } from 'node:crypto';
import type { Middleware } from 'koa';

/**
 * Sets security headers on every response: a CSP whose only script source is a per-request
 * nonce (oidc-provider adds hashes for its own inline scripts to it), no framing, no sniffing,
 * no referrer, HSTS on https, and `Cache-Control: no-store` for everything but static assets
 * and public metadata.
 */
export function securityHeaders(options: { secure: boolean }): Middleware {
  return async (ctx, next) => {
    const nonce = randomBytes(16).toString('base64');
    ctx.state.cspNonce = nonce;
    ctx.set(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'nonce-${nonce}' 'strict-dynamic'`,
        "style-src 'self'",
        // https: for the operator's BRAND_LOGO_URL and each app's registered logo_uri.
        "img-src 'self' data: https:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (options.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const cacheable =
      ctx.path.startsWith('/static/') ||
      ctx.path.startsWith('/.well-known/') ||
      ctx.path === '/jwks';
    if (!cacheable) ctx.set('Cache-Control', 'no-store');
    await next();
  };
}
