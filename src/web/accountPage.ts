import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { ceremony, leave, post, ServerRefusal } from './ceremony.js';
import { t } from './messages.js';
import { clearProblem, showProblem, showUnsupported } from './problem.js';
import { readSignals, sendSignals } from './signals.js';

const root = document.getElementById('account');
const csrf = root?.dataset.csrf ?? '';
const buttons = () => [...document.querySelectorAll<HTMLElement>('#account button')];

/** "Confirm it’s you": a passkey re-check; `stay` keeps the page (and what was typed). */
function confirmItsYou(stay = false): Promise<boolean> {
  return ceremony(
    {
      kind: 'authentication',
      optionsPath: '/account/confirm/options',
      optionsBody: { _csrf: csrf },
      verifyPath: '/account/confirm/verify',
      verifyExtra: { _csrf: csrf },
      stay,
    },
    buttons(),
  );
}

/**
 * Sends a form with fetch, so a refusal is shown beside what was typed instead of replacing
 * the page; a change refused for want of a recent sign-in is confirmed in place with a passkey
 * and sent again.
 */
async function send(form: HTMLFormElement, retried = false): Promise<void> {
  clearProblem();
  const body = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (typeof v === 'string') body.append(k, v);
  try {
    const { redirectTo } = await post<{ redirectTo: string }>(form.action, body);
    leave(redirectTo);
  } catch (err) {
    if (err instanceof ServerRefusal && err.code === 'confirmation_required' && !retried) {
      showProblem(err.message);
      if (await confirmItsYou(true)) return send(form, true);
      return;
    }
    showProblem(err instanceof Error ? err.message : t('script.genericError'));
  }
}

/** The account page: ceremonies, in-page confirmations, rename boxes, fetch-sent forms. */
export function setUpAccount(): void {
  void sendSignals(readSignals(document.getElementById('account')));
  document.getElementById('confirm-button')?.addEventListener('click', () => void confirmItsYou());
  document.getElementById('add-passkey')?.addEventListener('click', () => {
    if (!browserSupportsWebAuthn()) return showUnsupported();
    void ceremony(
      {
        kind: 'registration',
        optionsPath: '/account/passkeys/options',
        optionsBody: { _csrf: csrf },
        verifyPath: '/account/passkeys/verify',
        verifyExtra: { _csrf: csrf },
      },
      buttons(),
    );
  });
  // Rename boxes stay closed until asked.
  for (const toggle of document.querySelectorAll<HTMLButtonElement>('[data-toggle]')) {
    const target = document.getElementById(toggle.getAttribute('aria-controls') ?? '');
    const set = (open: boolean) => {
      if (!target) return;
      target.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) target.querySelector('input')?.focus();
    };
    toggle.addEventListener('click', () => set(Boolean(target?.hidden)));
    target?.querySelector('[data-close]')?.addEventListener('click', () => {
      set(false);
      toggle.focus();
    });
  }
  // Confirmations in the page, not window.confirm().
  for (const ask of document.querySelectorAll<HTMLButtonElement>('[data-ask]')) {
    const form = document.getElementById(ask.dataset.ask ?? '');
    const box = form?.querySelector<HTMLElement>('[data-confirm-box]');
    if (!box) continue;
    ask.addEventListener('click', () => {
      box.hidden = false;
      ask.setAttribute('aria-expanded', 'true');
      box.querySelector<HTMLButtonElement>('button[type=submit]')?.focus();
    });
    box.querySelector('[data-cancel]')?.addEventListener('click', () => {
      box.hidden = true;
      ask.setAttribute('aria-expanded', 'false');
      ask.focus();
    });
  }
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-fetch]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void send(form);
    });
  }
  setUpDeleteAccount();
}

/** "Delete my account": the typed email, then a passkey of this account. */
function setUpDeleteAccount(): void {
  const form = document.getElementById('delete-account-form') as HTMLFormElement | null;
  const input = document.getElementById('delete-email') as HTMLInputElement | null;
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const email = input?.value.trim() ?? '';
    if (!email) return showProblem(t('script.typeEmail'));
    if (!browserSupportsWebAuthn()) return showUnsupported();
    void ceremony(
      {
        kind: 'authentication',
        optionsPath: '/account/delete/options',
        optionsBody: { _csrf: csrf, email },
        verifyPath: '/account/delete/verify',
        verifyExtra: { _csrf: csrf, email },
      },
      buttons(),
    );
  });
}
