// French typography: a no-break space before ? ! : ; » and after «, so they never start a line.
// Run after editing locales/fr.json: node scripts/frenchSpacing.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../locales/fr.json', import.meta.url);
const fix = (text) =>
  text
    .replace(/ ([?!:;»])/g, '\u00a0$1')
    .replace(/« /g, '«\u00a0')
    .replace(/\u00a0:\/\//g, '://');
const walk = (node) =>
  Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, typeof v === 'string' ? fix(v) : walk(v)]),
  );
const tree = walk(JSON.parse(readFileSync(file, 'utf8')));
writeFileSync(file, JSON.stringify(tree, null, 2) + '\n');
