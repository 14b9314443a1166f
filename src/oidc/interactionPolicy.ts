import { interactionPolicy } from 'oidc-provider';

const { Check, base } = interactionPolicy;

/** `true` when the authorization request asked for a device-bound passkey (`acr_values=phrh`). */
export function requiresPhrh(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes('phrh');
}

/**
 * The default login/consent policy plus two checks: `acr_values=phrh` needs a session whose
 * sign-in used a device-bound passkey with user verification, else the person signs in again;
 * and a device authorization (RFC 8628) always shows consent with the device's code, even for
 * first-party apps and apps already allowed, so nobody connects a device they did not compare.
 */
export function createInteractionPolicy(): ReturnType<typeof base> {
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
        if (!requiresPhrh(oidc.params?.acr_values)) return Check.NO_NEED_TO_PROMPT;
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
  return policy;
}
