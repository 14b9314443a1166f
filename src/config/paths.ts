import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root (the folder holding `views/` and `package.json`), found from this file so it
 * is the same whether running from `src/` (tests) or `dist/src/` (built) and from any cwd.
 */
export const ROOT_DIR = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** Where the built-in message files live. */
export const LOCALES_DIR = path.join(ROOT_DIR, 'locales');

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'views')) && existsSync(path.join(dir, 'package.json')))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the Sesame root above ${start}`);
    dir = parent;
  }
}
