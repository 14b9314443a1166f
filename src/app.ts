import { existsSync } from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import { ensureAccountClient } from './account/accountClient.js';
import { createAccountRouter } from './account/createAccountRouter.js';
import { signOutEverywhere } from './oidc/accountSessions.js';
import { createRecentVerifications } from './account/recentVerifications.js';
import { createSessionDevices, watchSessionDevices } from './account/sessionDevices.js';
import { createAccountRepository, type AccountRepository } from './accounts/accountRepository.js';
import { createAuditLog, type AuditLog } from './accounts/auditLog.js';
import { createRecoveryTokens } from './accounts/recoveryTokens.js';
import { createSignupCodes } from './accounts/signupCodes.js';
import { createAdminApi } from './admin/api/createAdminApi.js';
import { createAdminConsole } from './admin/console/createAdminConsole.js';
import { createAdminService, type AdminService } from './admin/adminService.js';
import type { Config } from './config/config.js';
import { authorizationPost } from './http/authorizationPost.js';
import { deviceCodeGuard } from './device/deviceCodeGuard.js';
import { deviceFlowFeature } from './device/deviceFlowFeature.js';
import { devicePollPacing } from './device/devicePollPacing.js';
import { createBackgroundTasks, type BackgroundTasks } from './http/backgroundTasks.js';
import { brandStyles } from './http/brandStyles.js';
import { clientAuthLimits } from './http/clientAuthLimits.js';
import { createCsrf } from './http/csrf.js';
import { errorHandler } from './http/errorHandler.js';
import { forwardedHeaders } from './http/forwardedHeaders.js';
import { interactionLimits } from './http/interactionLimits.js';
import { healthRoutes } from './http/healthRoutes.js';
import { createRateLimiter, DEFAULT_LIMITS, type Limits } from './http/rateLimiter.js';
import { rendererFor } from './http/renderer.js';
import { requestLogger } from './http/requestLogger.js';
import { securityHeaders } from './http/securityHeaders.js';
import { staticFiles } from './http/staticFiles.js';
import { createAppAccess } from './groups/appAccess.js';
import { createCustomClaims } from './groups/customClaims.js';
import { createGroupRepository } from './groups/groupRepository.js';
import { createClaimResolver } from './groups/resolveClaims.js';
import { wellKnownWebauthn } from './http/wellKnownWebauthn.js';
import { localeRoutes } from './http/localeRoutes.js';
import { createInteractionRouter } from './interaction/createInteractionRouter.js';
import type { Logger } from './log/createLogger.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createMetrics, type Metrics } from './metrics/createMetrics.js';
import { httpMetrics } from './metrics/httpMetrics.js';
import { instrumentCeremonies } from './metrics/instrumentCeremonies.js';
import { instrumentStore } from './metrics/instrumentStore.js';
import { metricsRoute } from './metrics/metricsRoute.js';
import { createProvider } from './oidc/createProvider.js';
import { loadKeyMaterial, readKeyMaterial, type KeyMaterial } from './oidc/keyMaterial.js';
import { KEY_POLL_MS, watchKeys, type KeyWatcher } from './oidc/keyWatcher.js';
import { createProviderSwitch } from './oidc/providerSwitch.js';
import { createChallengeRepository } from './passkeys/challengeRepository.js';
import {
  createCredentialRepository,
  type CredentialRepository,
} from './passkeys/credentialRepository.js';
import { createPasskeyCeremonies } from './passkeys/createPasskeyCeremonies.js';
import { sweepOrphanCredentials } from './passkeys/sweepOrphanCredentials.js';
import { ROOT_DIR } from './config/paths.js';
import type { Store } from './store/collection.js';

/** A built Sesame: the Koa app to serve and the services tests and the CLI reach into. */
export interface Sesame {
  app: Koa;
  /** The provider serving now: a key rotation replaces it, so read it when needed. */
  provider: Provider;
  accounts: AccountRepository;
  credentials: CredentialRepository;
  audit: AuditLog;
  /** Polls for rotated keys and swaps the provider; `stop()` it before closing the store. */
  keyWatcher: KeyWatcher;
  metrics: Metrics;
  /** The operator rules behind the console, the admin API and the CLI. */
  admin: AdminService;
  /** Work that runs after responses; `drain` it before closing the store, `idle()` in tests. */
  tasks: BackgroundTasks;
}

/**
 * The composition root: store → repositories → ceremonies → provider → Koa app. The server and
 * tests build Sesame through it (tests with a throwaway store); the `sesame` CLI builds only
 * the repositories it needs over the same store.
 */
export async function createApp(
  config: Config,
  deps: {
    store: Store;
    logger: Logger;
    mailer?: Mailer;
    limits?: Partial<Limits>;
    /** How often to look for rotated keys (tests shorten it). */
    keyPollMs?: number;
  },
): Promise<Sesame> {
  const { logger } = deps;
  const metrics = createMetrics();
  const store = instrumentStore(deps.store, metrics);
  const keys = await loadKeyMaterial(store);
  const secret = keys.hmacSecret;
  const renderer = rendererFor(config);
  const tasks = createBackgroundTasks(logger);
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
  const recoveryTokens = await createRecoveryTokens(store);
  const groups = await createGroupRepository(store);
  const resolveClaims = createClaimResolver(groups, await createCustomClaims(store));
  const appAccess = createAppAccess(groups);
  const devices = await createSessionDevices(store);
  const ceremonies = instrumentCeremonies(
    createPasskeyCeremonies({
      rpId: config.rpId,
      rpName: config.rpName,
      origin: config.origin,
      relatedOrigins: config.relatedOrigins,
      accounts,
      credentials,
      challenges,
      audit,
      logger,
    }),
    metrics,
  );
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const deviceFlow = deviceFlowFeature({ renderer, limiter, limits, audit, logger });
  const pollPacing = await devicePollPacing(store);
  const buildProvider = async (material: KeyMaterial) => {
    const provider = await createProvider({
      issuer: config.issuer,
      secure: config.secure,
      trustProxy: config.trustProxy,
      store,
      keys: material,
      accounts,
      resolveClaims,
      appAccess,
      audit,
      renderer,
      logger,
      deviceFlow,
      use: [pollPacing],
      outboundPrivate: config.outboundPrivate,
    });
    watchSessionDevices(provider, devices, logger);
    return provider;
  };
  // Rotated keys need a new Provider (its keystore is fixed); routes read the current one.
  const providers = createProviderSwitch(await buildProvider(keys));
  const csrf = createCsrf(secret);
  const interactions = createInteractionRouter(
    {
      get provider() {
        return providers.current;
      },
      ceremonies,
      accounts,
      credentials,
      signupCodes,
      recoveryTokens,
      audit,
      mailer,
      tasks,
      renderer,
      csrf,
      limiter,
      limits,
      fakeSecret: secret,
      rpName: config.rpName,
      issuer: config.issuer,
      rpId: config.rpId,
    },
    config.origin,
  );
  await ensureAccountClient(store, { issuer: config.issuer, rpName: config.rpName });
  const admin = await createAdminService({
    store,
    issuer: config.issuer,
    rpName: config.rpName,
    mailer,
    renderer,
    // Disabling from the console also tells apps with back-channel logout at once.
    endSessions: (accountId) =>
      signOutEverywhere({ store, provider: providers.current, logger }, accountId),
  });
  const verifications = await createRecentVerifications(store);
  const accountPages = createAccountRouter(
    {
      get provider() {
        return providers.current;
      },
      store,
      ceremonies,
      accounts,
      credentials,
      audit,
      renderer,
      csrf,
      limiter,
      limits,
      logger,
      verifications,
      issuer: config.issuer,
      rpName: config.rpName,
      rpId: config.rpId,
      signupCodes,
      mailer,
      tasks,
      devices,
      groupsOf: async (accountId) => (await groups.groupsOf(accountId)).map((g) => g.name),
    },
    config.origin,
  );

  const app = new Koa();
  // forwardedHeaders leaves X-Forwarded-For with the one client address it believes, or none.
  app.proxy = config.trustProxy !== false;
  app.maxIpsCount = 1;
  app.keys = keys.cookieKeys;
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
  app.use(errorHandler(renderer, logger));
  app.use(healthRoutes(store));
  app.use(metricsRoute(metrics, { token: config.metricsToken, secure: config.secure, logger }));
  app.use(staticFiles(publicDir));
  app.use(wellKnownWebauthn(config.relatedOrigins));
  app.use(brandStyles(config.brandColor));
  app.use(localeRoutes(renderer.catalogue, { secure: config.secure }).routes());
  app.use(interactions.routes());
  app.use(accountPages.routes());
  app.use(createAdminApi(admin, { limiter, issuer: config.issuer }));
  const adminConsole = { providers, accounts, admin, renderer, csrf, limiter, verifications };
  app.use(createAdminConsole({ ...adminConsole, issuer: config.issuer }, config.origin).routes());
  app.use(authorizationPost());
  app.use(deviceCodeGuard({ limiter, limits }));
  app.use(clientAuthLimits(limiter, limits));
  app.use(interactionLimits(limiter, limits.interactionsPerIp));
  app.use(providers.middleware);
  const keyWatcher = watchKeys({
    read: () => readKeyMaterial(store),
    version: keys.version,
    intervalMs: deps.keyPollMs ?? KEY_POLL_MS,
    logger,
    async onChange(next) {
      try {
        providers.swap(await buildProvider(next));
      } catch (err) {
        metrics.keyReloads.inc({ result: 'failure' });
        throw err;
      }
      app.keys = next.cookieKeys;
      metrics.keyReloads.inc({ result: 'success' });
    },
  });
  // A process killed mid-sign-up can leave a credential without its account: clean up.
  sweepOrphanCredentials(credentials, accounts)
    .then((removed) => {
      if (removed > 0)
        logger.warn({ removed }, 'removed passkeys left behind by interrupted sign-ups');
    })
    .catch((err: unknown) => logger.warn({ err }, 'orphan passkey sweep failed'));
  return {
    app,
    get provider() {
      return providers.current;
    },
    accounts,
    credentials,
    audit,
    keyWatcher,
    metrics,
    admin,
    tasks,
  };
}
