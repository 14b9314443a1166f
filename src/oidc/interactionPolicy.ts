import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from '../accounts/auditLog.js';
import type { AppAccess } from '../groups/appAccess.js';
import { metadataOf } from './metadataOf.js';

const { Check, Prompt, base } = interactionPolicy;

/** The prompt that shows the "No access" page (SPEC.md §11). */
export const APP_ACCESS_PROMPT = 'app_access';

/** `true` when the authorization request asked for a device-bound passkey (`acr_values=phrh`). */
export function requiresPhrh(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes('phrh');
}

/** `true` when the app's passkey policy only accepts device-bound passkeys. */
export function deviceBoundOnly(metadata: Record<string, unknown> | undefined): boolean {
  return metadata?.passkey_policy === 'device-bound';
}

/** What the policy's checks read. */
export interface PolicyDeps {
  appAccess: AppAccess;
  audit: AuditLog;
}

/**
 * The default login/consent policy plus:
 * - login: `acr_values=phrh`, or an app whose passkey policy is `device-bound`, needs a session
 *   whose sign-in used a device-bound passkey with user verification, else the person signs
 *   in again;
 * - app access, between login and consent: an app with allowed groups admits only their
 *   members; anyone else gets the "No access" page (or `access_denied` with `prompt=none`),
 *   and the refusal is audited. It runs at every authorization, existing sessions included.
 * - consent: a device authorization (RFC 8628) always shows consent with the device's code,
 *   even for first-party apps and apps already allowed, so nobody connects a device they did
 *   not compare.
 */
export function createInteractionPolicy(deps: PolicyDeps): ReturnType<typeof base> {
  const policy = base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider policy has no login prompt');
  login.checks.add(
    new Check(
      'acr_phrh',
      'a device-bound passkey is required',
      'unmet_authentication_requirements',
      (ctx) => {
        const { oidc } = ctx;
        const needed =
          requiresPhrh(oidc.params?.acr_values) ||
          deviceBoundOnly(oidc.client ? metadataOf(oidc.client) : undefined);
        if (!needed) return Check.NO_NEED_TO_PROMPT;
        return oidc.session?.acr === 'phrh' ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
      },
    ),
  );
  const consent = policy.get('consent');
  if (!consent) throw new Error('oidc-provider policy has no consent prompt');
  consent.checks.add(
    new Check(
      'device_code_shown',
      'the person compares the device code before connecting it',
      'consent_required',
      (ctx) => {
        const { oidc } = ctx;
        if (oidc.route !== 'code_verification' && oidc.route !== 'device_resume')
          return Check.NO_NEED_TO_PROMPT;
        return oidc.result?.consent ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
      },
    ),
  );
  const access = new Prompt(
    { name: APP_ACCESS_PROMPT, requestable: false },
    new Check(
      'not_in_allowed_group',
      'this person is not in a group allowed to use this app',
      'access_denied',
      async (ctx: KoaContextWithOIDC) => {
        const { session, client } = ctx.oidc;
        const accountId = session?.accountId;
        if (!accountId || !client) return Check.NO_NEED_TO_PROMPT;
        if (await deps.appAccess(accountId, metadataOf(client))) return Check.NO_NEED_TO_PROMPT;
        await deps.audit.record({
          type: 'access_refused',
          accountId,
          clientId: client.clientId,
          detail: 'not in a group allowed to use this app',
          ip: ctx.ip,
          userAgent: ctx.get('User-Agent').slice(0, 256),
        });
        return Check.REQUEST_PROMPT;
      },
    ),
  );
  policy.add(
    access,
    policy.findIndex((p) => p.name === 'consent'),
  );
  return policy;
}
