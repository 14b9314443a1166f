import type Provider from 'oidc-provider';
import type { RecentVerifications } from '../../account/recentVerifications.js';
import type { AccountRepository } from '../../accounts/accountRepository.js';
import type { Csrf } from '../../http/csrf.js';
import type { Limit, RateLimiter } from '../../http/rateLimiter.js';
import type { Renderer } from '../../http/renderer.js';
import type { AdminService } from '../adminService.js';

/** Changes in the console, per administrator. */
export const CONSOLE_CHANGE_LIMIT: Limit = { max: 120, windowMs: 15 * 60_000 };
/** How recent a passkey verification must be for a change (SPEC.md §10). */
export const ADMIN_RECENT_MS = 5 * 60_000;

/** What the console pages use, handed over by the composition root. */
export interface ConsoleDeps {
  readonly provider: Provider;
  accounts: AccountRepository;
  admin: AdminService;
  renderer: Renderer;
  csrf: Csrf;
  limiter: RateLimiter;
  verifications: RecentVerifications;
  issuer: string;
}
