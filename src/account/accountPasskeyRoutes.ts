import type Router from '@koa/router';
import { z } from 'zod';
import { BadRequest } from '../http/errors.js';
import { readBody } from '../http/readBody.js';
import { requestOrigin } from '../http/requestOrigin.js';
import { listedTransports } from '../passkeys/listedTransports.js';
import {
  authenticationResponseSchema,
  registrationResponseSchema,
} from '../passkeys/webauthnSchemas.js';
import { DuplicateKeyError } from '../store/collection.js';
import type { AccountDeps } from './accountDeps.js';
import { authenticatorName } from '../passkeys/authenticatorName.js';
import { describeUserAgent } from '../http/describeUserAgent.js';
import { accountBinding, authorizeChange } from './loadAccountSession.js';

const csrfBody = z.object({ _csrf: z.string().max(100) }).strict();
const confirmBody = z
  .object({
    _csrf: z.string().max(100),
    response: authenticationResponseSchema,
    // The console re-checks through this same ceremony and returns to its page.
    returnTo: z
      .string()
      .regex(/^\/admin(\/[A-Za-z0-9_/-]*)?$/)
      .optional(),
  })
  .strict();
const addBody = z
  .object({ _csrf: z.string().max(100), response: registrationResponseSchema })
  .strict();

/**
 * The account page's two JSON ceremonies: "Confirm it’s you" (a passkey assertion of this
 * account, bound to the session, which records a fresh verification) and "Add a passkey"
 * (registration excluding the existing passkeys; needs a recent sign-in or re-check).
 */
export function accountPasskeyRoutes(router: Router, deps: AccountDeps): void {
  const addBinding = (uid: string) => `account-add:${uid}`;

  router.post('/account/confirm/options', async (ctx) => {
    const { _csrf } = await readBody(ctx, 'json', csrfBody);
    const session = await authorizeChange(deps, ctx, _csrf, { recent: false });
    const credentials = await deps.credentials.forAccount(session.account.id);
    ctx.body = await deps.ceremonies.authenticationOptions({
      binding: accountBinding(session),
      allow: {
        accountId: session.account.id,
        credentials: credentials.map((c) => ({
          id: c.id,
          transports: listedTransports(c.transports),
        })),
      },
    });
  });

  router.post('/account/confirm/verify', async (ctx) => {
    const { _csrf, response, returnTo } = await readBody(ctx, 'json', confirmBody);
    const session = await authorizeChange(deps, ctx, _csrf, { recent: false });
    // The challenge names this account, so a passkey of any other account fails here.
    await deps.ceremonies.verifyAuthentication({
      binding: accountBinding(session),
      response,
      origin: requestOrigin(ctx),
    });
    await deps.verifications.record(session.uid);
    ctx.body = { redirectTo: returnTo ? `${returnTo}?done=confirmed` : '/account?done=confirmed' };
  });

  router.post('/account/passkeys/options', async (ctx) => {
    const { _csrf } = await readBody(ctx, 'json', csrfBody);
    const session = await authorizeChange(deps, ctx, _csrf);
    const { account } = session;
    ctx.body = await deps.ceremonies.registrationOptions({
      binding: addBinding(session.uid),
      user: { accountId: account.id, email: account.email, name: account.name },
      exclude: await deps.credentials.forAccount(account.id),
    });
  });

  router.post('/account/passkeys/verify', async (ctx) => {
    const { _csrf, response } = await readBody(ctx, 'json', addBody);
    const session = await authorizeChange(deps, ctx, _csrf, { recent: false });
    const { challenge, credential } = await deps.ceremonies.verifyRegistration({
      binding: addBinding(session.uid),
      response,
    });
    if (challenge.accountId !== session.account.id)
      throw new BadRequest(
        'challenge_expired',
        'This attempt has expired or was already used. Please try again.',
      );
    const from = requestOrigin(ctx);
    const createdWith = describeUserAgent(from.userAgent);
    try {
      await deps.credentials.insert({
        ...credential,
        accountId: session.account.id,
        name: authenticatorName(credential.aaguid, createdWith),
        ...(createdWith ? { createdWith } : {}),
      });
    } catch (err) {
      if (err instanceof DuplicateKeyError)
        throw new BadRequest('passkey_exists', 'This passkey is already registered.');
      throw err;
    }
    await deps.audit.record({
      type: 'passkey_added',
      accountId: session.account.id,
      credentialId: credential.id,
      ...from,
    });
    ctx.body = { redirectTo: '/account?done=added' };
  });
}
