import { afterAll, beforeAll } from '@jest/globals';
import { startMailCatcher, type MailCatcher } from './mailCatcher.js';
import { connectRp, type RelyingParty } from './relyingParty.js';
import { startSesame, type RunningSesame } from './startSesame.js';

/** What {@link useSesameWithApp} starts for a test file. */
export interface SesameWithApp {
  sesame: RunningSesame;
  mail: MailCatcher;
  /** The relying party of one first-party app (consent skipped) named `name`. */
  rp: RelyingParty;
}

/**
 * For the whole test file: a mail catcher, a Sesame sending mail to it, and one first-party
 * app redirecting to `redirectUri`, handed to `ready` once started (before the file's tests)
 * and stopped after them.
 */
export function useSesameWithApp(
  name: string,
  redirectUri: string,
  ready: (started: SesameWithApp) => void,
): void {
  let started: Partial<SesameWithApp> = {};
  beforeAll(async () => {
    const mail = await startMailCatcher();
    started = { mail };
    const sesame = await startSesame({ SMTP_URL: mail.url });
    started.sesame = sesame;
    const rp = await connectRp(sesame, { name, redirectUris: [redirectUri], firstParty: true });
    ready({ sesame, mail, rp });
  });
  afterAll(async () => {
    await started.sesame?.close();
    await started.mail?.close();
  });
}
