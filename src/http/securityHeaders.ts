import { randomBytes } from 'node:crypto';
import type { Context, Middleware } from 'koa';

/** An oidc-provider client as far as the CSP needs it. */
interface FormClient {
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
}

/**
 * Lets a form on this response's page post to, or be redirected after posting to, these URIs'
 * origins (CSP `form-action`): the consent page's Allow and Deny end at the app's redirect URI.
 */
export function allowFormTargets(ctx: Context, uris: readonly string[]): void {
  ((ctx.state.formTargets ??= []) as string[]).push(...uris);
}

/** CSP sources for the origins of `uris` (`https://app.example`, or `myapp:` for a custom scheme). */
function formSources(uris: readonly string[]): string[] {
  const sources = new Set<string>();
  for (const uri of uris) {
    if (!URL.canParse(uri)) continue;
    const url = new URL(uri);
    sources.add(url.origin === 'null' ? url.protocol : url.origin);
  }
  return [...sources];
}

/** The CSP around the per-request script nonce. */
const CSP_BEFORE_NONCE = "default-src 'self'; script-src 'nonce-";
const CSP_AFTER_NONCE = [
  "' 'strict-dynamic'",
  "style-src 'self'",
  // https: for the operator's BRAND_LOGO_URL and each app's registered logo_uri.
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** 16 random bytes a request, taken from a pool filled 256 requests at a time. */
const NONCE_BYTES = 16;
let pool = Buffer.alloc(0);
let offset = 0;
function nextNonce(): string {
  if (offset + NONCE_BYTES > pool.length) {
    pool = randomBytes(NONCE_BYTES * 256);
    offset = 0;
  }
  const nonce = pool.toString('base64', offset, offset + NONCE_BYTES);
  offset += NONCE_BYTES;
  return nonce;
}

/**
 * Sets security headers on every response: a CSP whose only script source is a per-request
 * nonce (oidc-provider adds hashes for its own inline scripts to it), no framing, no sniffing,
 * no referrer, forms posting only to Sesame (and the app a page ends at), HSTS on https, and
 * `Cache-Control: no-store` for everything but static assets and public metadata.
 */
export function securityHeaders(options: { secure: boolean }): Middleware {
  const fixed: Record<string, string> = {
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    ...(options.secure
      ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }
      : {}),
  };
  return async (ctx, next) => {
    const nonce = nextNonce();
    ctx.state.cspNonce = nonce;
    ctx.set('Content-Security-Policy', `${CSP_BEFORE_NONCE}${nonce}${CSP_AFTER_NONCE}`);
    ctx.set(fixed);
    const cacheable =
      ctx.path.startsWith('/static/') ||
      ctx.path.startsWith('/.well-known/') ||
      ctx.path === '/jwks';
    if (!cacheable) ctx.set('Cache-Control', 'no-store');
    await next();
    // Pages that end at an app (consent, form_post, logout) may send the person there: its
    // registered redirect and post-logout origins, and only those, join `'self'`. Only a page
    // has forms: JSON answers (the token endpoint's too) keep the policy as it is.
    if (!ctx.response.is('html')) return;
    const client = (ctx as { oidc?: { client?: FormClient } }).oidc?.client;
    const sources = formSources([
      ...((ctx.state.formTargets as string[] | undefined) ?? []),
      ...(client?.redirectUris ?? []),
      ...(client?.postLogoutRedirectUris ?? []),
    ]);
    const csp = ctx.response.get('Content-Security-Policy');
    if (sources.length && csp)
      ctx.set(
        'Content-Security-Policy',
        csp.replace("form-action 'self'", ["form-action 'self'", ...sources].join(' ')),
      );
  };
}
