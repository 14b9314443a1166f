import { ceremony } from './ceremony.js';

/**
 * The administration console: "Confirm it’s you" runs the account page's passkey re-check and
 * returns to the console page. Destructive actions confirm in the page itself (server-rendered).
 */
export function setUpAdmin(): void {
  const root = document.getElementById('admin');
  const csrf = root?.dataset.confirmCsrf ?? '';
  const returnTo = root?.dataset.returnTo ?? '/admin';
  document.getElementById('confirm-button')?.addEventListener('click', () => {
    void ceremony(
      {
        kind: 'authentication',
        optionsPath: '/account/confirm/options',
        optionsBody: { _csrf: csrf },
        verifyPath: '/account/confirm/verify',
        verifyExtra: { _csrf: csrf, returnTo },
      },
      [...document.querySelectorAll<HTMLElement>('#admin button')],
    );
  });
}
