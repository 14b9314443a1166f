import type Provider from 'oidc-provider';
import type { AccountRepository } from '../accounts/accountRepository.js';
import type { AuditLog } from '../accounts/auditLog.js';
import type { RecoveryTokens } from '../accounts/recoveryTokens.js';
import type { SignupCodes } from '../accounts/signupCodes.js';
import type { BackgroundTasks } from '../http/backgroundTasks.js';
import type { Csrf } from '../http/csrf.js';
import type { Limits, RateLimiter } from '../http/rateLimiter.js';
import type { Renderer } from '../http/renderer.js';
import type { Mailer } from '../mail/mailer.js';
import type { CredentialRepository } from '../passkeys/credentialRepository.js';
import type { PasskeyCeremonies } from '../passkeys/passkeyCeremonies.js';

/** Everything the interaction routes use, handed over by the composition root. */
export interface InteractionDeps {
  provider: Provider;
  ceremonies: PasskeyCeremonies;
  accounts: AccountRepository;
  credentials: CredentialRepository;
  signupCodes: SignupCodes;
  recoveryTokens: RecoveryTokens;
  audit: AuditLog;
  mailer: Mailer;
  /** Work after the response (mails, audit) that shutdown waits for. */
  tasks: BackgroundTasks;
  renderer: Renderer;
  csrf: Csrf;
  limiter: RateLimiter;
  limits: Limits;
  /** Key for deterministic fake credential lists. */
  fakeSecret: string;
  rpName: string;
  issuer: string;
}
