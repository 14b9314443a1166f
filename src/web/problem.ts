import { t } from './messages.js';

/** A next step under a problem: a sentence, or a link. */
export type Step = { text: string } | { text: string; href: string };

const box = document.getElementById('error');

/**
 * Shows what went wrong and what to do next in the page's error box (focused, so screen
 * readers announce it). Input already typed stays where it is.
 */
export function showProblem(message: string, steps: Step[] = []): void {
  if (!box) return;
  box.replaceChildren(message);
  if (steps.length) {
    const list = document.createElement('ul');
    list.className = 'next-steps';
    for (const step of steps) {
      const item = document.createElement('li');
      if ('href' in step) {
        const link = document.createElement('a');
        link.href = step.href;
        link.textContent = step.text;
        item.append(link);
      } else item.textContent = step.text;
      list.append(item);
    }
    box.append(list);
  }
  box.hidden = false;
  box.focus?.();
}

/** Hides the error box. */
export function clearProblem(): void {
  if (box) box.hidden = true;
}

/** Where the sign-in page's own links go, for next steps ("Lost your passkey?", …). */
function pageLink(selector: string): string | undefined {
  return document.querySelector<HTMLAnchorElement>(selector)?.href;
}

/** The next steps offered when no passkey could be used on this device. */
export function otherWays(): Step[] {
  const steps: Step[] = [{ text: t('script.anotherDevice') }];
  const lost = pageLink('a[data-link="recovery"]');
  const create = pageLink('a[data-link="signup"]');
  if (lost) steps.push({ text: t('script.lostPasskey'), href: lost });
  if (create) steps.push({ text: t('script.createAccount'), href: create });
  return steps;
}

/** The problem shown when the browser cannot use passkeys at all. */
export function showUnsupported(): void {
  showProblem(t('script.unsupported'), [
    { text: t('script.unsupportedStep') },
    ...otherWays().slice(1),
  ]);
}
