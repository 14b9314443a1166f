import os from 'node:os';
import type { Actor } from '../admin/actor.js';
import { createAdminService, type AdminService } from '../admin/adminService.js';
import { loadConfig } from '../config/config.js';
import { rendererFor } from '../http/renderer.js';
import { createLogger } from '../log/createLogger.js';
import { createMailer } from '../mail/mailer.js';
import type { CliContext } from './cliContext.js';

/** Every change made from the command line is audited as the CLI's. */
export const CLI: Actor = { kind: 'cli' };

/** Who runs the command, kept with the audit events. */
function cliUser(): string {
  try {
    return `sesame CLI (${os.userInfo().username}@${os.hostname()})`;
  } catch {
    return `sesame CLI (${os.hostname()})`;
  }
}

/**
 * The admin service behind `sesame client|user|token …`, built from the same configuration as
 * the server (ISSUER for links, SMTP_URL and MAIL_FROM for notices). Log lines go to stderr,
 * never into the output.
 */
export function adminService(cli: CliContext): Promise<AdminService> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, process.stderr);
  return createAdminService({
    store: cli.store,
    issuer: config.issuer,
    rpName: config.rpName,
    renderer: rendererFor(config),
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger }),
    cliUser: cliUser(),
  });
}

/** A command's body, given the admin service and the CLI context. */
export type AdminTask = (admin: AdminService, cli: CliContext) => Promise<void>;

/** Runs `task` with the admin service; refusals (bad input, unknown ids) end with exit 1. */
export function withAdmin(
  run: (task: (cli: CliContext) => Promise<void>) => Promise<void>,
  task: AdminTask,
): Promise<void> {
  return run(async (cli) => task(await adminService(cli), cli));
}
