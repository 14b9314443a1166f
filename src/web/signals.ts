/**
 * The WebAuthn Signal API (SPEC.md §14) on Sesame's pages: tells the browser's passkey manager
 * what the server decided. Feature-detected and silent: where a method is missing, or the
 * browser refuses, nothing happens and nothing is shown. Never waits long, so a page that
 * signals right before navigating is not held up.
 */
import type { PasskeySignals } from '../passkeys/passkeySignals.js';

type SignalMethod =
  'signalUnknownCredential' | 'signalAllAcceptedCredentials' | 'signalCurrentUserDetails';

/** How long a page waits for the browser to take a signal before moving on. */
const WAIT_MS = 500;

async function signal(method: SignalMethod, argument: Record<string, unknown>): Promise<void> {
  const api = (globalThis as unknown as { PublicKeyCredential?: Record<string, unknown> })
    .PublicKeyCredential;
  const call = api?.[method];
  if (typeof call !== 'function') return;
  try {
    const pending = Promise.resolve(
      (call as (a: Record<string, unknown>) => unknown).call(api, argument),
    ).catch(() => undefined);
    await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, WAIT_MS))]);
  } catch {
    // A browser that refuses a signal changes nothing for the person.
  }
}

/** Forwards the server's signals (from a verify answer or the account page). */
export async function sendSignals(signals: PasskeySignals | undefined): Promise<void> {
  if (!signals) return;
  if (signals.allAcceptedCredentials)
    await signal('signalAllAcceptedCredentials', signals.allAcceptedCredentials);
  if (signals.currentUserDetails)
    await signal('signalCurrentUserDetails', signals.currentUserDetails);
}

/**
 * After the server answered `unknown_passkey` to an assertion: the passkey the person chose is
 * not one Sesame knows (deleted, or its account is gone), so their manager may drop it.
 */
export async function signalUnknownCredential(
  rpId: string | undefined,
  credentialId: string,
): Promise<void> {
  if (!rpId) return;
  await signal('signalUnknownCredential', { rpId, credentialId });
}

/** The signals a page carries in `data-signals` (JSON), or `undefined`. */
export function readSignals(element: HTMLElement | null): PasskeySignals | undefined {
  const raw = element?.dataset.signals;
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as PasskeySignals;
  } catch {
    return undefined;
  }
}
