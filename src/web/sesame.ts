/**
 * The browser side of Sesame's pages, kept thin: fetch options, run the WebAuthn ceremony with
 * @simplewebauthn/browser, post the result, follow the returned URL. Everything is decided on
 * the server; the words come from the page.
 */
import { setUpAccount } from './accountPage.js';
import { setUpAdmin } from './adminConsole.js';
import { showLocalTimes } from './localTimes.js';
import { setUpRecoveryLink, setUpSignIn, setUpSignUp, setUpSignUpCode } from './signInPages.js';

const pages: Record<string, () => void> = {
  signIn: setUpSignIn,
  signUp: setUpSignUp,
  signUpCode: setUpSignUpCode,
  recoveryLink: setUpRecoveryLink,
  account: setUpAccount,
};

pages[document.body.dataset.page ?? '']?.();
if (document.getElementById('admin')) setUpAdmin();
showLocalTimes();
