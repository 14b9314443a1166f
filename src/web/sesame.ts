/**
 * The browser side of Sesame's pages, kept thin: fetch options, run the WebAuthn ceremony with
 * @simplewebauthn/browser, post the result, follow the returned URL. Everything is decided on
 * the server.
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import type { PasskeySignals } from '../passkeys/passkeySignals.js';
import { readSignals, sendSignals, signalUnknownCredential } from './signals.js';

const body = document.body;
const uid = body.dataset.uid ?? '';
const errorBox = document.getElementById('error');

/** The page's messages (`script.*` in locales/), rendered by the server in its language. */
const messages = JSON.parse(document.getElementById('messages')?.textContent || '{}') as Record<
  string,
  string
>;

/** The message `key` (`script.name`) with `{{value}}` placeholders filled in. */
function t(key: string, params: Record<string, string> = {}): string {
  const text = messages[key.replace(/^script\./, '')] ?? key;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => params[name] ?? '');
}

function showError(message: string): void {
  if (!errorBox) return;
  errorBox.textContent = message;
  errorBox.hidden = false;
  errorBox.focus?.();
}

function clearError(): void {
  if (errorBox) errorBox.hidden = true;
}

/** POSTs JSON and returns the JSON answer, or throws with the server's message. */
async function post<T>(path: string, payload: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    // Errors come back in the page's language, even when ui_locales chose it.
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'Accept-Language': document.documentElement.lang || 'en',
    },
    body: JSON.stringify(payload),
  });
  const data = (await res.json().catch(() => ({}))) as {
    error?: string;
    error_description?: string;
  };
  if (!res.ok)
    throw Object.assign(new Error(data.error_description ?? t('script.genericError')), {
      code: data.error,
    });
  return data as T;
}

/** Words for the errors the WebAuthn API throws. */
function ceremonyMessage(err: unknown): string {
  const e = err as { name?: string; message?: string };
  if (e.name === 'NotAllowedError') return t('script.cancelled');
  if (e.name === 'InvalidStateError') return t('script.alreadyRegistered');
  if (e.name === 'SecurityError') return t('script.insecure');
  return e.message ?? t('script.genericError');
}

/** Runs `task` with the buttons of `scope` disabled and errors shown in words. */
async function busy(scope: HTMLElement | Document, task: () => Promise<void>): Promise<void> {
  const buttons = [...scope.querySelectorAll('button')];
  buttons.forEach((b) => (b.disabled = true));
  clearError();
  try {
    await task();
  } catch (err) {
    if ((err as { name?: string }).name !== 'AbortError') showError(ceremonyMessage(err));
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

type RegistrationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];
type AuthenticationOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];

/**
 * One WebAuthn ceremony, the same everywhere: POST `optionsBody` for options, run the browser
 * ceremony, POST the response (with `verifyExtra`) and follow the `redirectTo` answer.
 */
async function ceremony(input: {
  kind: 'registration' | 'authentication';
  optionsPath: string;
  optionsBody: Record<string, unknown>;
  verifyPath: string;
  verifyExtra?: Record<string, unknown>;
  autofill?: boolean;
}): Promise<void> {
  let rpId: string | undefined;
  const response =
    input.kind === 'registration'
      ? await startRegistration({
          optionsJSON: await post<RegistrationOptions>(input.optionsPath, input.optionsBody),
        })
      : await startAuthentication({
          optionsJSON: await post<AuthenticationOptions>(input.optionsPath, input.optionsBody).then(
            (options) => ((rpId = options.rpId), options),
          ),
          useBrowserAutofill: Boolean(input.autofill),
        });
  const verified = await post<{ redirectTo: string; signals?: PasskeySignals }>(input.verifyPath, {
    ...input.verifyExtra,
    response,
  }).catch(async (err: unknown) => {
    if ((err as { code?: string }).code === 'unknown_passkey')
      await signalUnknownCredential(rpId, response.id);
    throw err;
  });
  await sendSignals(verified.signals);
  window.location.assign(verified.redirectTo);
}

/** Sign-in on the interaction page: email-first, discoverable, or by autofill. */
const signIn = (email?: string, autofill = false) =>
  ceremony({
    kind: 'authentication',
    optionsPath: `/interaction/${uid}/passkey/options`,
    optionsBody: email ? { email } : {},
    verifyPath: `/interaction/${uid}/passkey/verify`,
    autofill,
  });

async function autofill(): Promise<void> {
  if (!(await browserSupportsWebAuthnAutofill())) return;
  try {
    await signIn(undefined, true);
  } catch (err) {
    if ((err as { name?: string }).name !== 'AbortError') showError(ceremonyMessage(err));
  }
}

function setUpSignIn(): void {
  const form = document.getElementById('email-form') as HTMLFormElement | null;
  const email = document.getElementById('email') as HTMLInputElement | null;
  const button = document.getElementById('passkey-button');
  if (!browserSupportsWebAuthn()) {
    showError(t('script.unsupported'));
    return;
  }
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = email?.value.trim() ?? '';
    if (!value) return showError(t('script.enterEmail'));
    WebAuthnAbortService.cancelCeremony();
    void busy(document, () => signIn(value));
  });
  button?.addEventListener('click', () => {
    WebAuthnAbortService.cancelCeremony();
    void busy(document, () => signIn());
  });
  void autofill();
}

function setUpSignUpCode(): void {
  const form = document.getElementById('code-form') as HTMLFormElement | null;
  const code = document.getElementById('code') as HTMLInputElement | null;
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = code?.value.replace(/\s+/g, '') ?? '';
    if (!/^\d{6}$/.test(value)) return showError(t('script.enterCode'));
    void busy(form, () =>
      ceremony({
        kind: 'registration',
        optionsPath: `/interaction/${uid}/signup/options`,
        optionsBody: { code: value },
        verifyPath: `/interaction/${uid}/signup/verify`,
      }),
    );
  });
}

if (body.dataset.page === 'signIn') setUpSignIn();
if (body.dataset.page === 'signUpCode') setUpSignUpCode();

/** The recovery link page: "Create passkey" registers a new passkey for the link's account. */
function setUpRecoveryLink(): void {
  const form = document.getElementById('recovery-form') as HTMLFormElement | null;
  const token = form?.dataset.token ?? '';
  const verifyPath = form?.dataset.verify ?? '/recovery/verify';
  if (!browserSupportsWebAuthn()) {
    showError(t('script.unsupported'));
    return;
  }
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(form, () =>
      ceremony({
        kind: 'registration',
        optionsPath: '/recovery/options',
        optionsBody: { token },
        verifyPath,
        verifyExtra: { token },
      }),
    );
  });
}

if (body.dataset.page === 'recoveryLink') setUpRecoveryLink();

/**
 * The account page: "Confirm it’s you" (a passkey re-check), "Add a passkey" (registration),
 * and a confirmation before destructive forms. The forms themselves work without JavaScript.
 */
function setUpAccount(): void {
  const root = document.getElementById('account');
  const csrf = root?.dataset.csrf ?? '';
  const confirm = document.getElementById('confirm-button');
  const add = document.getElementById('add-passkey');
  void sendSignals(readSignals(root));
  confirm?.addEventListener('click', () => {
    void busy(document, () =>
      ceremony({
        kind: 'authentication',
        optionsPath: '/account/confirm/options',
        optionsBody: { _csrf: csrf },
        verifyPath: '/account/confirm/verify',
        verifyExtra: { _csrf: csrf },
      }),
    );
  });
  add?.addEventListener('click', () => {
    void busy(document, () =>
      ceremony({
        kind: 'registration',
        optionsPath: '/account/passkeys/options',
        optionsBody: { _csrf: csrf },
        verifyPath: '/account/passkeys/verify',
        verifyExtra: { _csrf: csrf },
      }),
    );
  });
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm ?? t('script.areYouSure'))) event.preventDefault();
    });
  }
}

if (body.dataset.page === 'account') setUpAccount();

/**
 * The administration console: "Confirm it’s you" runs the account page's passkey re-check and
 * returns to the console page. Destructive actions confirm in the page itself (server-rendered).
 */
function setUpAdmin(): void {
  const root = document.getElementById('admin');
  const csrf = root?.dataset.confirmCsrf ?? '';
  const returnTo = root?.dataset.returnTo ?? '/admin';
  document.getElementById('confirm-button')?.addEventListener('click', () => {
    void busy(document, () =>
      ceremony({
        kind: 'authentication',
        optionsPath: '/account/confirm/options',
        optionsBody: { _csrf: csrf },
        verifyPath: '/account/confirm/verify',
        verifyExtra: { _csrf: csrf, returnTo },
      }),
    );
  });
}

if (document.getElementById('admin')) setUpAdmin();

/** The server writes times in UTC; show them in the reader's own time zone and language. */
function showLocalTimes(): void {
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  for (const el of document.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
    const date = new Date(el.dateTime);
    if (!Number.isNaN(date.getTime())) el.textContent = format.format(date);
  }
}

showLocalTimes();
