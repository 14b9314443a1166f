import { existsSync } from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';
import { createAccountRepository, type AccountRepository } from './accounts/accountRepository.js';
import { createAuditLog, type AuditLog } from './accounts/auditLog.js';
import { createSignupCodes } from './accounts/signupCodes.js';
import type { Config } from './config.js';
import { createCsrf } from './http/csrf.js';
import { errorHandler } from './http/errorHandler.js';
import { healthRoutes } from './http/healthRoutes.js';
import { createRateLimiter, DEFAULT_LIMITS, type Limits } from './http/rateLimiter.js';
import { createRenderer } from './http/renderer.js';
import { requestLogger } from './http/requestLogger.js';
import { securityHeaders } from './http/securityHeaders.js';
import { staticFiles } from './http/staticFiles.js';
import { createInteractionRouter } from './interaction/createInteractionRouter.js';
import type { Logger } from './log/createLogger.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createProvider } from './oidc/createProvider.js';
import { loadKeyMaterial } from './oidc/keyMaterial.js';
import { createChallengeRepository } from './passkeys/challengeRepository.js';
import {
  createCredentialRepository,
  type CredentialRepository,
} from './passkeys/credentialRepository.js';
import { createPasskeyCeremonies } from './passkeys/passkeyCeremonies.js';
import { ROOT_DIR } from './paths.js';
import type { Store } from './store/collection.js';

/** A built Sesame: the Koa app to serve and the services tests and the CLI reach into. */
export interface Sesame {
  app: Koa;
  provider: Provider;
  accounts: AccountRepository;
  credentials: CredentialRepository;
  audit: AuditLog;
}

/**
 * The composition root: store → repositories → ceremonies → provider → Koa app. Nothing else
 * in Sesame builds services; tests call this with a throwaway store.
 */
export async function createApp(
  config: Config,
  deps: { store: Store; logger: Logger; mailer?: Mailer; limits?: Partial<Limits> },
): Promise<Sesame> {
  const { store, logger } = deps;
  const keys = await loadKeyMaterial(store);
  const secret = keys.cookieKeys[0];
  if (!secret) throw new Error('no cookie key in the store');
  const renderer = createRenderer({ rpName: config.rpName });
  const mailer =
    deps.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger });
  const [accounts, credentials, challenges, audit, signupCodes, limiter] = await Promise.all([
    createAccountRepository(store),
    createCredentialRepository(store),
    createChallengeRepository(store),
    createAuditLog(store),
    createSignupCodes(store, secret),
    createRateLimiter(store),
  ]);
  const ceremonies = createPasskeyCeremonies({
    rpId: config.rpId,
    rpName: config.rpName,
    origin: config.origin,
    accounts,
    credentials,
    challenges,
    audit,
  });
  const provider = await createProvider({
    issuer: config.issuer,
    secure: config.secure,
    trustProxy: config.trustProxy,
    store,
    keys,
    accounts,
    renderer,
  });
  const interactions = createInteractionRouter(
    {
      provider,
      ceremonies,
      accounts,
      credentials,
      signupCodes,
      audit,
      mailer,
      renderer,
      csrf: createCsrf(secret),
      limiter,
      limits: { ...DEFAULT_LIMITS, ...deps.limits },
      fakeSecret: secret,
      rpName: config.rpName,
      issuer: config.issuer,
    },
    config.origin,
  );

  const app = new Koa();
  app.proxy = config.trustProxy;
  app.keys = keys.cookieKeys;
  app.silent = true;
  const publicDir = path.join(ROOT_DIR, 'public');
  if (!existsSync(path.join(publicDir, 'build', 'sesame.js'))) {
    logger.warn(
      'public/build/sesame.js is missing: run `npm run build` to bundle the browser code',
    );
  }
  app.use(requestLogger(logger));
  app.use(securityHeaders({ secure: config.secure }));
  app.use(errorHandler(renderer, logger));
  app.use(healthRoutes(store));
  app.use(staticFiles(publicDir));
  app.use(interactions.routes());
  app.use(mount(provider));
  return { app, provider, accounts, credentials, audit };
}
