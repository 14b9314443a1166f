import type { Context } from 'koa';
import type { Logger } from '../log/createLogger.js';

/**
 * Runs `task` once the response is on its way (the next turn of the event loop, after Koa has
 * written it), so the response never waits for it. A failure is logged with the request id and
 * never shown. For work whose presence or duration must not be visible in the response, such as
 * a mail that is sent for some inputs and not for others.
 */
export function afterResponse(ctx: Context, what: string, task: () => Promise<void>): void {
  const log = ctx.state.log as Logger | undefined;
  setImmediate(() => {
    task().catch((err: unknown) => log?.error({ err }, `${what} failed`));
  });
}
