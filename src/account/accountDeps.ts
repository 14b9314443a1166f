import type Provider from 'oidc-provider';
import type { AccountRepository } from '../accounts/accountRepository.js';
import type { AuditLog } from '../accounts/auditLog.js';
import type { SignupCodes } from '../accounts/signupCodes.js';
import type { BackgroundTasks } from '../http/backgroundTasks.js';
import type { Csrf } from '../http/csrf.js';
import type { Limit, Limits, RateLimiter } from '../http/rateLimiter.js';
import type { Renderer } from '../http/renderer.js';
import type { Logger } from '../log/createLogger.js';
import type { Mailer } from '../mail/mailer.js';
import type { CredentialRepository } from '../passkeys/credentialRepository.js';
import type { PasskeyCeremonies } from '../passkeys/passkeyCeremonies.js';
import type { Store } from '../store/collection.js';
import type { RecentVerifications } from './recentVerifications.js';
import type { SessionDevices } from './sessionDevices.js';

/** Changes on the account page, per account (rename, delete, add, revoke, sign out). */
export const ACCOUNT_CHANGE_LIMIT: Limit = { max: 60, windowMs: 15 * 60_000 };

/**
 * Everything the account page uses, handed over by the composition root. `provider` is read
 * per request: key rotation swaps it while the server runs.
 */
export interface AccountDeps {
  readonly provider: Provider;
  store: Store;
  ceremonies: PasskeyCeremonies;
  accounts: AccountRepository;
  credentials: CredentialRepository;
  audit: AuditLog;
  renderer: Renderer;
  csrf: Csrf;
  limiter: RateLimiter;
  limits: Limits;
  logger: Logger;
  verifications: RecentVerifications;
  issuer: string;
  rpName: string;
  /** WebAuthn RP ID, named in the Signal API calls the page makes. */
  rpId: string;
  /** Codes for "Change email" (the sign-up code store, bound per account). */
  signupCodes: SignupCodes;
  mailer: Mailer;
  /** Work after the response (the goodbye mail). */
  tasks: BackgroundTasks;
  /** The browser behind each session, for the Sessions list. */
  devices: SessionDevices;
  /**
   * The names of the groups the person belongs to, for "Download my data". The seam where
   * src/groups/ plugs in; until it does, the composition root passes one that returns `[]`.
   */
  groupsOf(accountId: string): Promise<string[]>;
  /** Removes the person's group memberships and custom claims (when they delete the account). */
  forgetGroups(accountId: string): Promise<void>;
}
