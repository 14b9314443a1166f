import type { Logger } from '../log/createLogger.js';
import type { KeyMaterial } from './keyMaterial.js';

/** How often a running server looks for rotated keys. */
export const KEY_POLL_MS = 30_000;

/** Polls the stored keys and reports changes; see {@link watchKeys}. */
export interface KeyWatcher {
  /** Reads the keys now (after any check under way); `true` if they changed and `onChange` ran. */
  check(): Promise<boolean>;
  /** Stops polling (a check already running finishes). */
  stop(): void;
}

/**
 * Every `intervalMs`, reads the key material and compares its version with the last one seen;
 * on a change, awaits `onChange(keys)` (which builds and swaps in a new provider). A failed
 * read or rebuild is logged and retried on the next tick; the server keeps its current keys.
 * Checks never overlap, and the timer does not keep the process alive.
 */
export function watchKeys(options: {
  read: () => Promise<KeyMaterial | undefined>;
  version: string;
  intervalMs: number;
  onChange: (keys: KeyMaterial) => Promise<void>;
  logger: Logger;
}): KeyWatcher {
  const { read, onChange, logger } = options;
  let seen = options.version;
  let running: Promise<boolean> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const checkOnce = async (): Promise<boolean> => {
    const keys = await read();
    if (!keys) {
      logger.error('the keys collection holds no usable keys; keeping the current ones');
      return false;
    }
    if (keys.version === seen) return false;
    await onChange(keys);
    logger.info({ from: seen, to: keys.version }, 'keys changed: now using the new key set');
    seen = keys.version;
    return true;
  };
  // A check asked for while another runs waits for it and then reads afresh, so its answer
  // covers every change made before it was asked.
  const check = async (): Promise<boolean> => {
    while (running) await running.catch(() => undefined);
    running = checkOnce().finally(() => (running = undefined));
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      check()
        .catch((err: unknown) => logger.warn({ err }, 'checking for rotated keys failed'))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    check,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
