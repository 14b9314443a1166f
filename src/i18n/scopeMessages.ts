/** The catalogue key saying, in words, what each scope lets an app see (consent, account page). */
export const SCOPE_MESSAGES: Readonly<Record<string, string>> = {
  openid: 'consent.scope.openid',
  email: 'consent.scope.email',
  profile: 'consent.scope.profile',
  offline_access: 'consent.scope.offline_access',
};

/** The message keys for `scopes`, in order, leaving out scopes that need no words. */
export function scopeMessageKeys(scopes: readonly string[]): string[] {
  return scopes.flatMap((s) => (SCOPE_MESSAGES[s] ? [SCOPE_MESSAGES[s]] : []));
}
