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

/** Retries waiting for their timer: the timer, and the try to make now if the process stops. */
const waiting = new Map<NodeJS.Timeout, () => Promise<void>>();
/** Retries being made, so a stopping process can wait for them. */
const inFlight = new Set<Promise<void>>();
/** Set while the process stops: a failure then gives up instead of waiting for a timer. */
let stopping = false;

/**
 * After a failed back-channel logout delivery (`failed` tries so far), logs it with its cause
 * and tries again later with a fresh logout token, up to three tries in all; the last failure
 * is logged as given up. Timers do not keep the process alive; a stopping process makes the
 * waiting tries at once ({@link flushBackchannelRetries}).
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
  if (delay === undefined || stopping) {
    logger.error(facts, 'back-channel logout delivery failed; giving up');
    return;
  }
  logger.warn({ ...facts, retryInMs: delay }, 'back-channel logout delivery failed');
  const attempt = (): Promise<void> => {
    const run = client.backchannelLogout(delivery.accountId, delivery.sid).then(
      () =>
        logger.info(
          { clientId: client.clientId, attempt: failed + 1 },
          'back-channel logout delivered',
        ),
      (next: unknown) => retryBackchannelLogout(client, delivery, next, logger, failed + 1),
    );
    inFlight.add(run);
    return run.finally(() => inFlight.delete(run));
  };
  const timer = setTimeout(() => {
    waiting.delete(timer);
    void attempt();
  }, delay).unref();
  waiting.set(timer, attempt);
}

/**
 * For a stopping process: makes every waiting retry now (once more, as its last try) and
 * resolves when those and the retries already under way have settled, so a logout that failed
 * just before a deploy is not dropped with the process.
 */
export async function flushBackchannelRetries(): Promise<void> {
  stopping = true;
  for (const [timer, attempt] of waiting) {
    clearTimeout(timer);
    waiting.delete(timer);
    void attempt();
  }
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
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
