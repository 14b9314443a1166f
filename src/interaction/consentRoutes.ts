import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { BadRequest } from '../http/errors.js';
import { readCsrfForm } from '../http/readCsrfForm.js';
import { allowFormTargets } from '../http/securityHeaders.js';
import { validate } from '../http/validate.js';
import type { InteractionDeps } from './interactionDeps.js';
import { clientDisplay, findClient } from '../http/clientName.js';
import { CLAIM_WORDS, consentLines } from './consentWords.js';
import { loadInteraction, type InteractionDetails } from './loadInteraction.js';
import { deviceUserCode } from '../device/deviceUserCode.js';

const consentForm = z.object({
  decision: z.enum(['allow', 'deny'], { message: 'errors.decision_missing' }),
  _csrf: z.string().max(100),
});

/**
 * What this consent grants: the scopes and claims the request asks for that the app does not
 * hold yet (all of them when consent was asked for with `prompt=consent` and nothing is new),
 * and the page's lines naming every one of them. The page and the form read the same plan, so
 * nothing is granted that the page did not name.
 */
function consentPlan(details: InteractionDetails) {
  const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  const scopes = d.missingOIDCScope ?? [];
  const claims = d.missingOIDCClaims ?? [];
  const shown =
    scopes.length || claims.length
      ? consentLines(scopes, claims)
      : consentLines(String(details.params.scope ?? '').split(' '), requestedClaims(details));
  return { scopes, claims, lines: shown };
}

/** The claims named in the request's `claims` parameter that Sesame has words for. */
function requestedClaims(details: InteractionDetails): string[] {
  try {
    const parsed = JSON.parse(String(details.params.claims ?? '{}')) as Record<string, unknown>;
    return [parsed.id_token, parsed.userinfo]
      .flatMap((part) => (part && typeof part === 'object' ? Object.keys(part) : []))
      .filter((claim) => CLAIM_WORDS[claim]);
  } catch {
    return [];
  }
}

const binding = (uid: string) => `consent:${uid}`;

/** Renders the consent page ("Allow" / "Deny") for an interaction at the consent prompt. */
export async function consentPage(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
): Promise<void> {
  const client = await findClient(deps.provider, details);
  allowFormTargets(ctx, client?.redirectUris ?? []);
  const accountId = details.session?.accountId;
  const account = accountId ? await deps.accounts.get(accountId) : undefined;
  deps.renderer.page(ctx, 'consent', {
    uid: details.uid,
    signedInAs: account?.email,
    csrf: deps.csrf.token(binding(details.uid)),
    ...(await clientDisplay(deps.provider, details)),
    userCode: await deviceUserCode(deps.provider, details),
    items: consentPlan(details).lines,
  });
}

/** The consent form, which records the grant (or the refusal). */
export function consentRoutes(router: Router, deps: InteractionDeps): void {
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
      const plan = consentPlan(details);
      if (plan.scopes.length) grant.addOIDCScope(plan.scopes.join(' '));
      if (plan.claims.length) grant.addOIDCClaims(plan.claims);
      result = { consent: { grantId: await grant.save() } };
    }
    const to = await deps.provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: true,
    });
    ctx.status = 303;
    ctx.redirect(to);
  });
}
