/**
 * The benchmark's baseline: bare oidc-provider with Sesame's provider configuration
 * (createProvider: same adapter and store, findAccount, grants, keys, TTLs) in a tiny Koa app
 * whose interaction signs the person in WITHOUT a ceremony. It answers the same URLs as Sesame's
 * sign-in page so the same load generator drives both; what it leaves out is exactly what
 * Sesame adds: the WebAuthn ceremony (challenges, signature check, credential update, audit),
 * rate limits, CSRF, security headers, request logging and page templates.
 *
 * Configured like Sesame from the environment (PORT, ISSUER, DATA_DIR, MONGODB_URI, LOG_LEVEL).
 * With BASELINE_ADAPTER=memory (target `baseline-memory`) oidc-provider's models live in a Map
 * (memoryAdapter.ts) instead of the store, the client copied in at start; accounts, keys and
 * groups are still read from the store.
 * Never part of the product: `npm run bench` starts it.
 */
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import parse from 'co-body';
import Koa from 'koa';
import mount from 'koa-mount';
import type { InteractionResults } from 'oidc-provider';
import { createAccountRepository } from '../src/accounts/accountRepository.js';
import { createAuditLog } from '../src/accounts/auditLog.js';
import { createAppAccess } from '../src/groups/appAccess.js';
import { createCustomClaims } from '../src/groups/customClaims.js';
import { createGroupRepository } from '../src/groups/groupRepository.js';
import { createClaimResolver } from '../src/groups/resolveClaims.js';
import { loadConfig } from '../src/config/config.js';
import { rendererFor } from '../src/http/renderer.js';
import { createLogger } from '../src/log/createLogger.js';
import { createProvider } from '../src/oidc/createProvider.js';
import { loadKeyMaterial } from '../src/oidc/keyMaterial.js';
import { oidcCollectionSpec, type OidcDoc } from '../src/oidc/oidcCollectionSpec.js';
import { openStore } from '../src/store/openStore.js';
import { createMemoryAdapter } from './memoryAdapter.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const store = await openStore({ dataDir: config.dataDir, mongodbUri: config.mongodbUri });
const keys = await loadKeyMaterial(store);
const accounts = await createAccountRepository(store);
const groups = await createGroupRepository(store);
const renderer = rendererFor(config);
const inMemory = process.env.BASELINE_ADAPTER === 'memory' ? await memoryAdapter() : undefined;
const provider = await createProvider({
  issuer: config.issuer,
  secure: config.secure,
  trustProxy: config.trustProxy,
  store,
  keys,
  accounts,
  resolveClaims: createClaimResolver(groups, await createCustomClaims(store)),
  appAccess: createAppAccess(groups),
  audit: await createAuditLog(store),
  renderer,
  logger,
  ...(inMemory ? { adapter: inMemory.Adapter, grants: inMemory.grants } : {}),
});

/** The Map adapter, holding a copy of the store's clients (the seeded one among them). */
async function memoryAdapter() {
  const clients: OidcDoc[] = [];
  const col = await store.collection<OidcDoc>(oidcCollectionSpec('Client'));
  for await (const doc of col.all()) clients.push(doc);
  return createMemoryAdapter(clients);
}

const router = new Router();

router.get('/interaction/:uid', async (ctx) => {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  ctx.type = 'html';
  ctx.body =
    details.prompt.name === 'login'
      ? '<!doctype html><title>Sign in</title><h1>Sign in</h1>'
      : `<!doctype html><title>Allow</title><form method="post" action="/interaction/${details.uid}/consent">` +
        '<input type="hidden" name="_csrf" value="none"><button name="decision" value="allow">Allow</button></form>';
});

// The same JSON shape as Sesame's options, but nothing is stored.
router.post('/interaction/:uid/passkey/options', async (ctx) => {
  await provider.interactionDetails(ctx.req, ctx.res);
  ctx.body = {
    challenge: randomBytes(32).toString('base64url'),
    timeout: 300_000,
    rpId: new URL(config.issuer).hostname,
    allowCredentials: [],
    userVerification: 'required',
  };
});

// Signs in the account the assertion's user handle names, checking nothing: no ceremony.
router.post('/interaction/:uid/passkey/verify', async (ctx) => {
  await provider.interactionDetails(ctx.req, ctx.res);
  const body = (await parse.json(ctx)) as { response?: { response?: { userHandle?: string } } };
  const handle = body.response?.response?.userHandle ?? '';
  const accountId = Buffer.from(handle, 'base64url').toString('utf8');
  const result: InteractionResults = {
    login: { accountId, acr: 'phrh', amr: ['pop', 'hwk', 'user', 'mfa'], remember: true },
  };
  ctx.body = {
    redirectTo: await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    }),
  };
});

router.post('/interaction/:uid/consent', async (ctx) => {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const grant =
    (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({
      accountId: details.session?.accountId,
      clientId: String(details.params.client_id),
    });
  const missing = details.prompt.details.missingOIDCScope as string[] | undefined;
  if (missing?.length) grant.addOIDCScope(missing.join(' '));
  const result = { consent: { grantId: await grant.save() } };
  ctx.status = 303;
  ctx.redirect(
    await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true }),
  );
});

const app = new Koa();
app.keys = keys.cookieKeys;
app.use(router.routes());
app.use(mount(provider));
// Loopback only: the bench is its only client.
const server = app.listen(config.port, '127.0.0.1', () =>
  logger.info({ port: config.port, adapter: inMemory ? 'memory' : 'store' }, 'baseline up'),
);

process.on('SIGTERM', () => {
  server.close(() => {
    void store.close().finally(() => process.exit(0));
  });
  server.closeIdleConnections();
});
