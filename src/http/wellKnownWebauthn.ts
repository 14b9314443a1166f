import type { Middleware } from 'koa';

/**
 * `GET /.well-known/webauthn`: the related origins (WebAuthn Level 3 §5.11) as
 * `{"origins": [...]}`, so browsers let those origins use this RP ID's passkeys. With none
 * configured the address is left to fall through to 404, as browsers expect.
 */
export function wellKnownWebauthn(relatedOrigins: readonly string[]): Middleware {
  const body = JSON.stringify({ origins: relatedOrigins });
  return async (ctx, next) => {
    if (ctx.path !== '/.well-known/webauthn' || relatedOrigins.length === 0) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    ctx.type = 'application/json';
    // Browsers fetch it from other origins' pages; it is public and changes only on restart.
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  };
}
