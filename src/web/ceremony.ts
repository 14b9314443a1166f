import {
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import type { PasskeySignals } from '../passkeys/passkeySignals.js';
import { t } from './messages.js';
import { clearProblem, otherWays, showProblem } from './problem.js';
import { sendSignals, signalUnknownCredential } from './signals.js';

type RegistrationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];
type AuthenticationOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];

/** An answer the server refused: its words, its code, its status and where it says to go on. */
export class ServerRefusal extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
    /** Where the page should go instead (`already_signed_in` names where the sign-in went on). */
    readonly redirectTo?: string,
  ) {
    super(message);
  }
}

/** POSTs `body` (JSON, or a form) and returns the JSON answer, or throws a {@link ServerRefusal}. */
export async function post<T>(path: string, body: unknown | URLSearchParams): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type':
          body instanceof URLSearchParams
            ? 'application/x-www-form-urlencoded'
            : 'application/json',
        Accept: 'application/json',
        // Errors come back in the page's language, even when ui_locales chose it.
        'Accept-Language': document.documentElement.lang || 'en',
      },
      body: body instanceof URLSearchParams ? body : JSON.stringify(body),
    });
  } catch {
    throw new ServerRefusal(t('script.network'), 'network', 0);
  }
  const data = (await res.json().catch(() => ({}))) as {
    error?: string;
    error_description?: string;
    redirectTo?: unknown;
  };
  if (!res.ok)
    throw new ServerRefusal(
      data.error_description ?? t('script.genericError'),
      data.error,
      res.status,
      typeof data.redirectTo === 'string' ? data.redirectTo : undefined,
    );
  return data as T;
}

/** One ceremony at a time per page; once a finished one navigates, nothing else starts. */
let busy = false;
let leaving = false;
const waiting = document.getElementById('waiting');
const cancel = document.getElementById('cancel-ceremony');
if (cancel) {
  cancel.addEventListener('click', () => WebAuthnAbortService.cancelCeremony());
}

/** Leaves the page for `url`, once. */
export function leave(url: string): void {
  if (leaving) return;
  leaving = true;
  window.location.assign(url);
}

/** What a ceremony needs: where to get options and where to send the answer. */
export interface CeremonyInput {
  kind: 'registration' | 'authentication';
  optionsPath: string;
  optionsBody: Record<string, unknown>;
  verifyPath: string;
  verifyExtra?: Record<string, unknown>;
  /** Conditional mediation: runs in the background and never shows a problem when it ends. */
  autofill?: boolean;
  /** For the words of a failure: the email of an email-first sign-in. */
  email?: string;
  /** Stay on the page after success (the caller continues) instead of following `redirectTo`. */
  stay?: boolean;
}

/**
 * POSTs for options, runs the WebAuthn ceremony with "Waiting for your passkey…" and "Cancel"
 * shown (unless it is background autofill), POSTs the answer and follows `redirectTo` once.
 * A visible ceremony replaces a background one; a second visible one waits its turn.
 * Resolves true when the page is leaving.
 */
export async function ceremony(
  input: CeremonyInput,
  controls: HTMLElement[] = [],
): Promise<boolean> {
  if (leaving || (busy && !input.autofill)) return false;
  let owns = false;
  // "Cancel" stays usable while everything else waits.
  controls = controls.filter((c) => c !== cancel);
  const take = () => {
    busy = owns = true;
    controls.forEach((c) => ((c as HTMLButtonElement).disabled = true));
  };
  if (!input.autofill) {
    take();
    // A background autofill request would block this one: end it first.
    WebAuthnAbortService.cancelCeremony();
    clearProblem();
  }
  try {
    const optionsJSON = await post<RegistrationOptions & AuthenticationOptions>(
      input.optionsPath,
      input.optionsBody,
    );
    if (waiting && owns) waiting.hidden = false;
    const response =
      input.kind === 'registration'
        ? await startRegistration({ optionsJSON })
        : await startAuthentication({ optionsJSON, useBrowserAutofill: Boolean(input.autofill) });
    if (waiting) waiting.hidden = true;
    // An autofill pick while a visible ceremony runs is dropped; otherwise it now owns the page.
    if (!owns) {
      if (busy || leaving) return false;
      take();
    }
    const verified = await post<{ redirectTo: string; signals?: PasskeySignals }>(
      input.verifyPath,
      { ...input.verifyExtra, response },
    ).catch(async (err: unknown) => {
      // A passkey Sesame does not know: the person's passkey manager may drop it (Signal API).
      if (err instanceof ServerRefusal && err.code === 'unknown_passkey')
        await signalUnknownCredential(optionsJSON.rpId, response.id);
      throw err;
    });
    await sendSignals(verified.signals);
    if (!input.stay) leave(verified.redirectTo);
    return true;
  } catch (err) {
    // Another ceremony on this page (autofill and the button) signed in first: go on with it.
    if (err instanceof ServerRefusal && err.code === 'already_signed_in' && err.redirectTo) {
      leave(err.redirectTo);
      return true;
    }
    if (!input.autofill || owns) explain(err, input);
    return false;
  } finally {
    if (owns) {
      if (waiting) waiting.hidden = true;
      busy = false;
      if (!leaving) controls.forEach((c) => ((c as HTMLButtonElement).disabled = false));
    }
  }
}

/** Tells apart what went wrong, each with a next step. */
function explain(err: unknown, input: CeremonyInput): void {
  const e = err as { name?: string; code?: string; cause?: { name?: string } };
  const name = e.cause?.name ?? e.name;
  if (err instanceof ServerRefusal) return showProblem(err.message);
  if (name === 'AbortError' || e.code === 'ERROR_CEREMONY_ABORTED') return;
  if (name === 'NotAllowedError') {
    if (input.kind === 'registration') return showProblem(t('script.createCancelled'));
    if (input.email)
      return showProblem(t('script.noPasskeyHere', { email: input.email }), otherWays());
    return showProblem(t('script.cancelled'), otherWays());
  }
  if (name === 'InvalidStateError') return showProblem(t('script.alreadyRegistered'));
  if (name === 'SecurityError') return showProblem(t('script.insecure'));
  showProblem(t('script.genericError'));
}
