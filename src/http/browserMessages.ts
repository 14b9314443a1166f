/**
 * The words the page script shows (prompt states, problems and their next steps). They reach
 * the browser in a JSON island of the page, so the script itself holds no text.
 */
export const BROWSER_MESSAGES = {
  waiting: 'Waiting for your passkey…',
  cancel: 'Cancel',
  cancelled: 'The passkey request was cancelled. Try again when you are ready.',
  createCancelled: 'Creating the passkey was cancelled. Try again when you are ready.',
  noPasskeyHere: 'This device has no passkey for {email}.',
  unsupported: 'This browser can’t use passkeys.',
  unsupportedStep: 'Open this page in an up-to-date browser (Chrome, Safari, Edge or Firefox).',
  anotherDevice:
    'Use a passkey on your phone: choose “Sign in with a passkey”, then “Use a phone or tablet”.',
  lostPasskey: 'Lost your passkey?',
  createAccount: 'Create an account',
  alreadyRegistered: 'This device already has a passkey for this account.',
  wrongAddress: 'Passkeys can’t be used on this address.',
  generic: 'Something went wrong. Please try again.',
  network: 'We could not reach the server. Check your connection and try again.',
  enterEmail: 'Enter your email address, or use “Sign in with a passkey”.',
  enterCode: 'Enter the 6-digit code from the email.',
  typeEmail: 'Type your email address to confirm.',
} as const;

/** A key of {@link BROWSER_MESSAGES}. */
export type BrowserMessage = keyof typeof BROWSER_MESSAGES;

/** The messages as JSON safe inside a `<script type="application/json">` element. */
export function browserMessagesJson(messages: Record<string, string> = BROWSER_MESSAGES): string {
  return JSON.stringify(messages).replace(/</g, '\\u003c');
}
