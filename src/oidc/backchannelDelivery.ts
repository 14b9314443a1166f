import type { Logger } from '../log/createLogger.js';

/** The part of oidc-provider's Client used here (its typings omit `backchannelLogout`). */
export interface BackchannelClient {
  clientId: string;
  backchannelLogoutUri?: string;
  backchannelLogout(sub: string, sid: string): Promise<void>;
}

/** Waits before the second and third try: three tries within a minute (SPEC.md §15). */
export const BACKCHANNEL_RETRY_DELAYS_MS = [5_000, 20_000];

/** What to log about a failed delivery: the message and, for `fetch failed`, its cause. */
export function deliveryFailure(err: unknown): { err: string; cause?: string } {
  const error = err as Error & { cause?: unknown };
  const cause = error.cause as { message?: unknown; code?: unknown } | string | undefined;
  const causeText =
    cause === undefined
      ? undefined
      : typeof cause === 'string'
        ? cause
        : [cause.code, cause.message].filter(Boolean).join(': ') || String(cause);
  return { err: error.message, ...(causeText ? { cause: causeText } : {}) };
}

/**
 * After a failed back-channel logout delivery (`failed` tries so far), logs it with its cause
 * and tries again later with a fresh logout token, up to three tries in all; the last failure
 * is logged as given up. Timers do not keep the process alive.
 */
export function retryBackchannelLogout(
  client: BackchannelClient,
  delivery: { accountId: string; sid: string },
  err: unknown,
  logger: Logger,
  failed = 1,
): void {
  const delay = BACKCHANNEL_RETRY_DELAYS_MS[failed - 1];
  const facts = { clientId: client.clientId, attempt: failed, ...deliveryFailure(err) };
  if (delay === undefined) {
    logger.error(facts, 'back-channel logout delivery failed; giving up');
    return;
  }
  logger.warn({ ...facts, retryInMs: delay }, 'back-channel logout delivery failed');
  setTimeout(() => {
    client.backchannelLogout(delivery.accountId, delivery.sid).then(
      () =>
        logger.info(
          { clientId: client.clientId, attempt: failed + 1 },
          'back-channel logout delivered',
        ),
      (next: unknown) => retryBackchannelLogout(client, delivery, next, logger, failed + 1),
    );
  }, delay).unref();
}

/** Delivers one back-channel logout now; a failure is logged and retried in the background. */
export async function deliverBackchannelLogout(
  client: BackchannelClient,
  delivery: { accountId: string; sid: string },
  logger: Logger,
): Promise<boolean> {
  try {
    await client.backchannelLogout(delivery.accountId, delivery.sid);
    return true;
  } catch (err) {
    retryBackchannelLogout(client, delivery, err, logger);
    return false;
  }
}
