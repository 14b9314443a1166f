import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill } from '@simplewebauthn/browser';
import { ceremony } from './ceremony.js';
import { t } from './messages.js';
import { showProblem, showUnsupported } from './problem.js';

const uid = document.body.dataset.uid ?? '';
const buttonsOf = (scope: ParentNode) => [...scope.querySelectorAll<HTMLElement>('button')];

/** Sign-in: email-first, discoverable, or by autofill (background, never an error). */
export function setUpSignIn(): void {
  const form = document.getElementById('email-form') as HTMLFormElement | null;
  const email = document.getElementById('email') as HTMLInputElement | null;
  const button = document.getElementById('passkey-button');
  if (!browserSupportsWebAuthn()) {
    buttonsOf(document).forEach((b) => ((b as HTMLButtonElement).disabled = true));
    return showUnsupported();
  }
  const signIn = (address?: string, autofill = false) =>
    ceremony(
      {
        kind: 'authentication',
        optionsPath: `/interaction/${uid}/passkey/options`,
        optionsBody: address ? { email: address } : {},
        verifyPath: `/interaction/${uid}/passkey/verify`,
        autofill,
        ...(address ? { email: address } : {}),
      },
      buttonsOf(document),
    );
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = email?.value.trim() ?? '';
    if (!value) return showProblem(t('script.enterEmail'));
    void signIn(value).then((left) => left || void startAutofill());
  });
  button?.addEventListener('click', () => {
    void signIn().then((left) => left || void startAutofill());
  });
  const startAutofill = async () => {
    if (await browserSupportsWebAuthnAutofill()) await signIn(undefined, true);
  };
  void startAutofill();
}

/** Sign-up, first step: a browser without passkeys learns it before any code is mailed. */
export function setUpSignUp(): void {
  if (browserSupportsWebAuthn()) return;
  buttonsOf(document).forEach((b) => ((b as HTMLButtonElement).disabled = true));
  showUnsupported();
}

/** Sign-up, second step: the code, then the registration ceremony. */
export function setUpSignUpCode(): void {
  const form = document.getElementById('code-form') as HTMLFormElement | null;
  const code = document.getElementById('code') as HTMLInputElement | null;
  if (!browserSupportsWebAuthn()) return showUnsupported();
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = code?.value.replace(/\s+/g, '') ?? '';
    if (!/^\d{6}$/.test(value)) return showProblem(t('script.enterCode'));
    void ceremony(
      {
        kind: 'registration',
        optionsPath: `/interaction/${uid}/signup/options`,
        optionsBody: { code: value },
        verifyPath: `/interaction/${uid}/signup/verify`,
      },
      buttonsOf(form),
    );
  });
}

/** The recovery link page: "Create passkey" registers a new passkey for the link's account. */
export function setUpRecoveryLink(): void {
  const form = document.getElementById('recovery-form') as HTMLFormElement | null;
  const token = form?.dataset.token ?? '';
  const verifyPath = form?.dataset.verify ?? '/recovery/verify';
  if (!browserSupportsWebAuthn()) return showUnsupported();
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    void ceremony(
      {
        kind: 'registration',
        optionsPath: '/recovery/options',
        optionsBody: { token },
        verifyPath,
        verifyExtra: { token },
      },
      buttonsOf(form),
    );
  });
}
