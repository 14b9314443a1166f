/**
 * What the consent page says an app will get, in words: the one place for that wording.
 * Every scope and claim Sesame can release has a line here; a claim without its own line
 * (a custom claim released with `profile`) is named by {@link OTHER_CLAIM_WORDS}, so nothing
 * is ever granted without being named.
 */
export const SCOPE_WORDS: Readonly<Record<string, string>> = {
  openid: 'Know who you are when you sign in',
  email: 'See your email address',
  profile: 'See your name',
  offline_access: 'Stay connected when you are not using it',
};

/** Claims an app can ask for one by one (the `claims` parameter), in words. */
export const CLAIM_WORDS: Readonly<Record<string, string>> = {
  email: 'See your email address',
  email_verified: 'See your email address',
  name: 'See your name',
};

/** Words for any other claim (custom claims travel with the `profile` scope). */
export const OTHER_CLAIM_WORDS = 'See your profile';

/** The lines of a consent page for these scopes and claims: each named once, in order. */
export function consentLines(scopes: readonly string[], claims: readonly string[]): string[] {
  const lines = [
    ...scopes.filter((s) => SCOPE_WORDS[s]).map((s) => SCOPE_WORDS[s]!),
    ...claims.map((c) => CLAIM_WORDS[c] ?? OTHER_CLAIM_WORDS),
  ];
  return [...new Set(lines)];
}
