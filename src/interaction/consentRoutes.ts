import type Router from '@koa/router';
import { z } from 'zod';
import { BadRequest } from '../http/errors.js';
import { readCsrfForm } from '../http/readCsrfForm.js';
import { validate } from '../http/validate.js';
import type { InteractionDeps } from './interactionDeps.js';
import { clientName, loadInteraction } from './loadInteraction.js';

const consentForm = z.object({
  decision: z.enum(['allow', 'deny'], { message: 'Choose Allow or Deny.' }),
  _csrf: z.string().max(100),
});

/** What each scope lets the app see, in words. */
const SCOPE_WORDS: Record<string, string> = {
  openid: 'Know who you are when you sign in',
  email: 'See your email address',
  profile: 'See your name',
  offline_access: 'Stay connected when you are not using it',
};

/** The consent page ("Allow" / "Deny") and its form, which records the grant. */
export function consentRoutes(router: Router, deps: InteractionDeps): void {
  const binding = (uid: string) => `consent:${uid}`;

  router.get('/interaction/:uid', async (ctx) => {
    const details = await loadInteraction(deps.provider, ctx);
    if (details.prompt.name !== 'consent')
      throw new BadRequest('unknown_prompt', 'This step is not supported.');
    const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
    const scopes = String(details.params.scope ?? '').split(' ');
    const accountId = details.session?.accountId;
    const account = accountId ? await deps.accounts.get(accountId) : undefined;
    deps.renderer.page(ctx, 'consent', {
      uid: details.uid,
      signedInAs: account?.email,
      csrf: deps.csrf.token(binding(details.uid)),
      clientName: await clientName(deps.provider, details),
      items: (missing.length ? missing : scopes)
        .filter((s) => SCOPE_WORDS[s])
        .map((s) => SCOPE_WORDS[s]),
    });
  });

  router.post('/interaction/:uid/consent', async (ctx) => {
    const details = await loadInteraction(deps.provider, ctx);
    if (details.prompt.name !== 'consent')
      throw new BadRequest('unknown_prompt', 'This step is not supported.');
    const form = await readCsrfForm(ctx, deps.csrf, binding(details.uid));
    const { decision } = validate(consentForm, form);
    let result;
    if (decision === 'deny') {
      result = {
        error: 'access_denied',
        error_description: 'the person declined to share their details',
      };
    } else {
      const { Grant } = deps.provider;
      const accountId = details.session?.accountId;
      const clientId = String(details.params.client_id);
      const grant =
        (details.grantId ? await Grant.find(details.grantId) : undefined) ??
        new Grant({ accountId, clientId });
      const d = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
      };
      if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims?.length) grant.addOIDCClaims(d.missingOIDCClaims);
      result = { consent: { grantId: await grant.save() } };
    }
    const to = await deps.provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: true,
    });
    ctx.status = 303;
    ctx.redirect(to);
  });
}
