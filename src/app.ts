import type Koa from 'koa';
import type Provider from 'oidc-provider';
import { ensureAccountClient } from './account/accountClient.js';
import { createAccountRouter } from './account/createAccountRouter.js';
import { signOutEverywhere } from './oidc/accountSessions.js';
import { createRecentVerifications } from './account/recentVerifications.js';
import { watchSessionDevices } from './account/sessionDevices.js';
import type { AccountRepository } from './accounts/accountRepository.js';
import type { AuditLog } from './accounts/auditLog.js';
import { createAdminApi } from './admin/api/createAdminApi.js';
import { createAdminConsole } from './admin/console/createAdminConsole.js';
import { createAdminService, type AdminService } from './admin/adminService.js';
import type { Config } from './config/config.js';
import { deviceFlowFeature } from './device/deviceFlowFeature.js';
import { devicePollPacing } from './device/devicePollPacing.js';
import { createBackgroundTasks, type BackgroundTasks } from './http/backgroundTasks.js';
import { createCsrf } from './http/csrf.js';
import { DEFAULT_LIMITS, type Limits } from './http/rateLimiter.js';
import { rendererFor } from './http/renderer.js';
import { createAppAccess } from './groups/appAccess.js';
import { forgetPerson } from './groups/forgetPerson.js';
import { createClaimResolver } from './groups/resolveClaims.js';
import { createInteractionRouter } from './interaction/createInteractionRouter.js';
import type { Logger } from './log/createLogger.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createMetrics, type Metrics } from './metrics/createMetrics.js';
import { instrumentCeremonies } from './metrics/instrumentCeremonies.js';
import { instrumentStore } from './metrics/instrumentStore.js';
import { createProvider } from './oidc/createProvider.js';
import { loadKeyMaterial, readKeyMaterial, type KeyMaterial } from './oidc/keyMaterial.js';
import { KEY_POLL_MS, watchKeys, type KeyWatcher } from './oidc/keyWatcher.js';
import { createProviderSwitch } from './oidc/providerSwitch.js';
import { createKoaApp } from './middlewareStack.js';
import { createRepositories } from './repositories.js';
import type { CredentialRepository } from './passkeys/credentialRepository.js';
import { createPasskeyCeremonies } from './passkeys/createPasskeyCeremonies.js';
import { sweepOrphanCredentials } from './passkeys/sweepOrphanCredentials.js';
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
  const repositories = await createRepositories(store, secret);
  const { accounts, credentials, challenges, audit, signupCodes, limiter } = repositories;
  const { recoveryTokens, groups, customClaims, devices } = repositories;
  const resolveClaims = createClaimResolver(groups, customClaims);
  const appAccess = createAppAccess(groups);
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
      forgetGroups: (accountId) => forgetPerson(groups, customClaims, accountId),
    },
    config.origin,
  );

  const adminConsole = { providers, accounts, admin, renderer, csrf, limiter, verifications };
  const app = createKoaApp({
    config,
    logger,
    store,
    metrics,
    renderer,
    limiter,
    limits,
    providers,
    cookieKeys: keys.cookieKeys,
    pages: [
      interactions,
      accountPages,
      createAdminApi(admin, { limiter, issuer: config.issuer }),
      createAdminConsole({ ...adminConsole, issuer: config.issuer }, config.origin),
    ],
  });
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
