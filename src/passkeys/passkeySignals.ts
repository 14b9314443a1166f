/**
 * What a page tells the browser's passkey manager through the WebAuthn Signal API (SPEC.md
 * §14), decided here on the server: the page only forwards these to `PublicKeyCredential`.
 */
export interface PasskeySignals {
  /** `signalAllAcceptedCredentials`: passkeys not listed are removed from the manager. */
  allAcceptedCredentials?: { rpId: string; userId: string; allAcceptedCredentialIds: string[] };
  /** `signalCurrentUserDetails`: the name and display name the manager shows. */
  currentUserDetails?: { rpId: string; userId: string; name: string; displayName: string };
}

/** The WebAuthn user handle of an account, base64url, as registration set it (UTF-8 of the id). */
export function userHandleOf(accountId: string): string {
  return Buffer.from(accountId, 'utf8').toString('base64url');
}

/** The account's passkeys as the only ones accepted for `rpId`. */
export function acceptedCredentialsSignal(
  rpId: string,
  accountId: string,
  credentialIds: readonly string[],
): NonNullable<PasskeySignals['allAcceptedCredentials']> {
  return { rpId, userId: userHandleOf(accountId), allAcceptedCredentialIds: [...credentialIds] };
}

/** The account's current email (the passkey's user name) and name (its display name). */
export function userDetailsSignal(
  rpId: string,
  account: { id: string; email: string; name: string },
): NonNullable<PasskeySignals['currentUserDetails']> {
  return {
    rpId,
    userId: userHandleOf(account.id),
    name: account.email,
    displayName: account.name || account.email,
  };
}
