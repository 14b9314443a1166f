import { existsSync } from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import Koa from 'koa';
import type { Config } from './config/config.js';
import { ROOT_DIR } from './config/paths.js';
import { deviceCodeGuard } from './device/deviceCodeGuard.js';
import { authorizationPost } from './http/authorizationPost.js';
import { brandStyles } from './http/brandStyles.js';
import { clientAuthLimits } from './http/clientAuthLimits.js';
import { errorHandler } from './http/errorHandler.js';
import { forwardedHeaders } from './http/forwardedHeaders.js';
import { gatedRoutes } from './http/gatedRoutes.js';
import { healthRoutes } from './http/healthRoutes.js';
import { interactionLimits } from './http/interactionLimits.js';
import { localeRoutes } from './http/localeRoutes.js';
import type { Limits, RateLimiter } from './http/rateLimiter.js';
import type { Renderer } from './http/renderer.js';
import { requestLogger } from './http/requestLogger.js';
import { securityHeaders } from './http/securityHeaders.js';
import { staticFiles } from './http/staticFiles.js';
import { wellKnownWebauthn } from './http/wellKnownWebauthn.js';
import type { Logger } from './log/createLogger.js';
import type { Metrics } from './metrics/createMetrics.js';
import { httpMetrics } from './metrics/httpMetrics.js';
import { metricsRoute } from './metrics/metricsRoute.js';
import { metadataCache } from './oidc/metadataCache.js';
import type { ProviderSwitch } from './oidc/providerSwitch.js';
import type { Store } from './store/collection.js';

/**
 * The Koa app with Sesame's middleware in order: proxy headers, logging, metrics, security
 * headers, errors, health, static files and well-known routes, then `pages` (Sesame's own
 * routers), then the limits in front of the provider, and the provider last. Only
 * `createApp` (the composition root) calls it.
 */
export function createKoaApp(parts: {
  config: Config;
  logger: Logger;
  store: Store;
  metrics: Metrics;
  renderer: Renderer;
  limiter: RateLimiter;
  limits: Limits;
  providers: ProviderSwitch;
  cookieKeys: string[];
  /** Sesame's own routes, in order: routers or plain middleware. */
  pages: (Router | Koa.Middleware)[];
}): Koa {
  const { config, logger, metrics, limiter, limits } = parts;
  const app = new Koa();
  // forwardedHeaders leaves X-Forwarded-For with the one client address it believes, or none.
  app.proxy = config.trustProxy !== false;
  app.maxIpsCount = 1;
  app.keys = parts.cookieKeys;
  app.silent = true;
  const publicDir = path.join(ROOT_DIR, 'public');
  if (!existsSync(path.join(publicDir, 'build', 'sesame.js'))) {
    logger.warn(
      'public/build/sesame.js is missing: run `npm run build` to bundle the browser code',
    );
  }
  app.use(forwardedHeaders(config.trustProxy, logger));
  app.use(requestLogger(logger));
  app.use(httpMetrics(metrics));
  app.use(securityHeaders({ secure: config.secure }));
  app.use(errorHandler(parts.renderer, logger));
  app.use(metadataCache(parts.providers, config.issuer));
  app.use(healthRoutes(parts.store));
  app.use(metricsRoute(metrics, { token: config.metricsToken, secure: config.secure, logger }));
  app.use(staticFiles(publicDir));
  app.use(wellKnownWebauthn(config.relatedOrigins));
  app.use(brandStyles(config.brandColor));
  app.use(gatedRoutes(localeRoutes(parts.renderer.catalogue, { secure: config.secure })));
  for (const page of parts.pages) app.use(page instanceof Router ? gatedRoutes(page) : page);
  app.use(authorizationPost());
  app.use(deviceCodeGuard({ limiter, limits }));
  app.use(clientAuthLimits(limiter, limits));
  app.use(interactionLimits(limiter, limits.interactionsPerIp));
  app.use(parts.providers.middleware);
  return app;
}
