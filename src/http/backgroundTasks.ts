import type { Context } from 'koa';
import type { Logger } from '../log/createLogger.js';

/**
 * Work that runs after a response is on its way and is never dropped: every task is tracked
 * until it settles, so shutdown can wait for it and tests can wait for quiet instead of sleeping.
 */
export interface BackgroundTasks {
  /**
   * Runs `task` once the response is on its way (the next turn of the event loop, after Koa has
   * written it), so the response never waits for it. A failure is logged with the request id
   * and never shown. For work whose presence or duration must not be visible in the response,
   * such as a mail that is sent for some inputs and not for others.
   */
  afterResponse(ctx: Context, what: string, task: () => Promise<void>): void;
  /** Resolves once no task is pending (including tasks started by tasks). */
  idle(): Promise<void>;
  /**
   * Waits for pending tasks, at most `timeoutMs`; resolves with how many were still pending
   * (0 when everything finished). Used by shutdown before the store is closed.
   */
  drain(timeoutMs: number): Promise<number>;
}

/** Creates the one task queue of an app (see {@link BackgroundTasks}). */
export function createBackgroundTasks(logger: Logger): BackgroundTasks {
  const pending = new Set<Promise<void>>();
  const idle = async (): Promise<void> => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  return {
    afterResponse(ctx, what, task) {
      const log = (ctx.state.log as Logger | undefined) ?? logger;
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((err: unknown) => log.error({ err }, `${what} failed`))
        .finally(() => pending.delete(run));
      pending.add(run);
    },
    idle,
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([idle(), timeout]);
      clearTimeout(timer);
      return pending.size;
    },
  };
}
