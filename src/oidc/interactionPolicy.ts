import { interactionPolicy } from 'oidc-provider';

const { Check, base } = interactionPolicy;

/** `true` when the authorization request asked for a device-bound passkey (`acr_values=phrh`). */
export function requiresPhrh(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes('phrh');
}

/**
 * The default login/consent policy plus one check: `acr_values=phrh` needs a session whose
 * sign-in used a device-bound passkey with user verification, else the person signs in again.
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
  return policy;
}
