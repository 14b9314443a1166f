import { SCOPE_MESSAGES } from '../i18n/scopeMessages.js';

/**
 * What the consent page says an app will get, in words (catalogue keys under `consent.`, so
 * the page says it in the person's language): the one place for that wording.
 * Every scope and claim Sesame can release has a line here; a claim without its own line
 * (a custom claim released with `profile`) is named by {@link OTHER_CLAIM_WORDS}, so nothing
 * is ever granted without being named.
 */
export const SCOPE_WORDS: Readonly<Record<string, string>> = SCOPE_MESSAGES;

/** Claims an app can ask for one by one (the `claims` parameter), in words. */
export const CLAIM_WORDS: Readonly<Record<string, string>> = {
  email: 'consent.scope.email',
  email_verified: 'consent.scope.email',
  name: 'consent.scope.profile',
};

/** Words for any other claim (custom claims travel with the `profile` scope). */
export const OTHER_CLAIM_WORDS = 'consent.otherClaims';

/** The lines of a consent page for these scopes and claims: each named once, in order. */
export function consentLines(scopes: readonly string[], claims: readonly string[]): string[] {
  const lines = [
    ...scopes.filter((s) => SCOPE_WORDS[s]).map((s) => SCOPE_WORDS[s]!),
    ...claims.map((c) => CLAIM_WORDS[c] ?? OTHER_CLAIM_WORDS),
  ];
  return [...new Set(lines)];
}
