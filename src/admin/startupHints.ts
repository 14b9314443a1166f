import type { Logger } from '../log/createLogger.js';
import type { AdminService } from './adminService.js';

/**
 * At start, tells the operator how to get going (SPEC.md §10): while no account holds the
 * admin role, how to make one; while no app is registered, how to add one.
 */
export async function logStartupHints(
  admin: AdminService,
  logger: Logger,
  issuer: string,
): Promise<void> {
  if (!(await admin.people.anyAdmin()))
    logger.info(
      `No administrator yet: sign up at ${issuer}/account, then run \`npx sesame user promote YOUR_EMAIL\` and open ${issuer}/admin`,
    );
  if ((await admin.clients.count()) === 0)
    logger.info(
      'No app registered yet: run `npx sesame client add --name "My app" --redirect-uri https://app.example.com/callback` (or use the console at /admin)',
    );
}
