import { createHash, randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { BadRequest } from '../http/errors.js';
import { ACCOUNT_CLIENT_ID, accountCallbackUrl } from './accountClient.js';
import type { AccountDeps } from './accountDeps.js';

const STATE_COOKIE = 'sesame.account_state';
/** Signing in to the account page can always restart from the page itself. */
const START_AGAIN = { href: '/account', key: 'errorPage.startAgain' };

/** Where a finished sign-in may return to: the account page or the administration console. */
const RETURN_TO = /^\/(account|admin)(\/[A-Za-z0-9_/-]*)?$/;

/**
 * Sends the person through Sesame's ordinary sign-in as its own first-party public client
 * (PKCE S256, a state in a signed cookie). The provider session that sign-in creates is what
 * the account page (and the console, `returnTo: '/admin'`) reads; the authorization code
 * itself is never redeemed and expires.
 */
export function startAccountSignIn(
  deps: Pick<AccountDeps, 'issuer'>,
  ctx: Context,
  returnTo = '/account',
): void {
  const state = `${randomBytes(16).toString('base64url')}.${RETURN_TO.test(returnTo) ? returnTo : '/account'}`;
  const challenge = createHash('sha256')
    .update(randomBytes(32).toString('base64url'))
    .digest('base64url');
  ctx.cookies.set(STATE_COOKIE, state, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: '/account',
    maxAge: 15 * 60_000,
    secure: deps.issuer.startsWith('https:'),
  });
  const query = new URLSearchParams({
    client_id: ACCOUNT_CLIENT_ID,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: accountCallbackUrl(deps.issuer),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  ctx.status = 303;
  ctx.redirect(`/auth?${query}`);
}

/** `/account/callback`: checks the state against the cookie and returns to `/account`. */
export function accountSignInRoutes(router: Router): void {
  router.get('/account/callback', async (ctx) => {
    const expected = ctx.cookies.get(STATE_COOKIE, { signed: true });
    const state = ctx.query.state;
    if (!expected || typeof state !== 'string' || state !== expected) {
      const stale = new BadRequest(
        'invalid_state',
        'This sign-in has expired or did not start here.',
      );
      stale.wayOn = START_AGAIN;
      throw stale;
    }
    ctx.cookies.set(STATE_COOKIE, null, { path: '/account' });
    // "Back to …" on the sign-in page: the person chose not to sign in; nothing went wrong.
    if (ctx.query.error === 'access_denied') {
      ctx.status = 303;
      return ctx.redirect('/');
    }
    if (typeof ctx.query.error === 'string') {
      const failed = new BadRequest(
        'sign_in_failed',
        'Signing in to your account did not complete.',
      );
      failed.wayOn = START_AGAIN;
      throw failed;
    }
    const returnTo = expected.slice(expected.indexOf('.') + 1);
    ctx.status = 303;
    ctx.redirect(RETURN_TO.test(returnTo) ? returnTo : '/account');
  });
}
