import type { Store } from '../store/collection.js';
import type { Output } from './output.js';

/** What every command gets: the open store, the output mode, and a way to fail cleanly. */
export interface CliContext {
  store: Store;
  out: Output;
  /** Ends the command with `message` on stderr and exit code 1. */
  fail(message: string): void;
}
