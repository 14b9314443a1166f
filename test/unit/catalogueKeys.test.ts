import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { LOCALES_DIR } from '../../src/config/paths.js';
import { readMessageFiles, type MessageTree } from '../../src/i18n/catalogue.js';
import { ROOT_DIR } from '../../src/config/paths.js';

/**
 * The catalogue is complete and lean: every language has every message (with the plural forms
 * its own plural rules need and the same placeholders), every message is used somewhere, and
 * every key the code or the templates ask for exists.
 */
const files = readMessageFiles(LOCALES_DIR);
const en = files.get('en') ?? {};
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(tree: MessageTree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** Keys a language must have: en's, with plural keys expanded to the language's own forms. */
function expectedKeys(locale: string): Set<string> {
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  const out = new Set<string>();
  for (const key of flatten(en).keys()) {
    if (PLURAL.test(key)) for (const c of categories) out.add(key.replace(PLURAL, `_${c}`));
    else out.add(key);
  }
  return out;
}

function sourceFiles(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full, ext);
    return ext.test(name) ? [full] : [];
  });
}

const sources = [
  ...sourceFiles(path.join(ROOT_DIR, 'views'), /\.njk$/),
  ...sourceFiles(path.join(ROOT_DIR, 'src'), /\.ts$/),
].map((file) => ({ file: path.relative(ROOT_DIR, file), text: readFileSync(file, 'utf8') }));
const quoted = new Set(
  sources.flatMap(({ text }) => [...text.matchAll(/['"`]([\w.-]+)['"`]/g)].map((m) => m[1])),
);

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('locales/', () => {
  test('English, German and French are there', () => {
    expect([...files.keys()]).toEqual(expect.arrayContaining(['de', 'en', 'fr']));
  });

  test.each([...files.keys()].filter((l) => l !== 'en'))(
    '%s has every message, in its plural forms, and nothing else',
    (locale) => {
      const have = new Set(flatten(files.get(locale) ?? {}).keys());
      const want = expectedKeys(locale);
      expect({ missing: [...want].filter((k) => !have.has(k)) }).toEqual({ missing: [] });
      expect({ extra: [...have].filter((k) => !want.has(k)) }).toEqual({ extra: [] });
    },
  );

  test.each([...files.keys()])('%s messages use the same placeholders as English', (locale) => {
    const messages = flatten(files.get(locale) ?? {});
    const english = flatten(en);
    const differ = [...messages]
      .filter(([key, text]) => {
        const base = english.get(key) ?? english.get(key.replace(PLURAL, '_other'));
        return base !== undefined && placeholders(base).join() !== placeholders(text).join();
      })
      .filter(([key]) => !PLURAL.test(key) || !key.endsWith('_one'))
      .map(([key]) => key);
    expect(differ).toEqual([]);
  });

  test.each([...files.keys()])('%s has markup only in keys ending in Html', (locale) => {
    const bad = [...flatten(files.get(locale) ?? {})]
      // `{{- value}}` inserts a value unescaped: only Html messages may, for template markup.
      .filter(([key, text]) => !/Html(_\w+)?$/.test(key) && /<[a-z/]|\{\{-/i.test(text))
      .map(([key]) => key);
    expect(bad).toEqual([]);
  });

  test('every message is used in views/ or src/', () => {
    const unused = [...flatten(en).keys()]
      .map((key) => key.replace(PLURAL, ''))
      .filter((key, i, all) => all.indexOf(key) === i)
      .filter((key) => {
        if (quoted.has(key)) return false;
        // errors.<code> is looked up by the thrown error's code or message key.
        const error = /^errors\.(\w+)$/.exec(key);
        return !(error?.[1] && quoted.has(error[1]));
      });
    expect(unused).toEqual([]);
  });

  test('every key the templates and code ask for exists', () => {
    const known = new Set([...flatten(en).keys()].map((key) => key.replace(PLURAL, '')));
    const asked = sources.flatMap(({ file, text }) =>
      [
        ...text.matchAll(/\bt\(\s*['"]([\w.-]+)['"]/g),
        ...text.matchAll(/['"`](errors\.\w+|errorPage\.\w+)['"`]/g),
      ].map((m) => ({ file, key: m[1] ?? '' })),
    );
    expect(asked.length).toBeGreaterThan(20);
    expect(asked.filter(({ key }) => !known.has(key))).toEqual([]);
  });

  test('every error code thrown in src/ has a message', () => {
    const codes = sources.flatMap(({ file, text }) =>
      [
        ...text.matchAll(
          /new (?:BadRequest|Forbidden|NotFound|HttpError)\(\s*(?:\d+,\s*)?'(\w+)'/g,
        ),
        ...text.matchAll(/\.withMessage\(\s*'(\w+)'/g),
        ...text.matchAll(/\bsuper\(\s*\d+,\s*'(\w+)'/g),
      ].map((m) => ({ file, key: `errors.${m[1]}` })),
    );
    const english = flatten(en);
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter(({ key }) => !english.has(key))).toEqual([]);
  });

  test('an error thrown with a sentence shows that sentence (or names its own message)', () => {
    // `new BadRequest('code', 'Sentence.')` shows errors.code: when the sentence differs from
    // it, the thrower meant something else and needs `.withMessage('own_key')`.
    const english = flatten(en);
    const thrown = sources.flatMap(({ file, text }) =>
      [
        ...text.matchAll(
          /new (?:BadRequest|Forbidden|NotFound|HttpError)\(\s*(?:\d+,\s*)?'(\w+)',\s*'((?:[^'\\]|\\.)*)',?\s*\)(?!\s*\.withMessage)/g,
        ),
      ].map((m) => ({ file, code: m[1] ?? '', sentence: m[2] ?? '' })),
    );
    expect(thrown.length).toBeGreaterThan(10);
    const differ = thrown.filter(
      ({ code, sentence }) =>
        // server_error is never shown as thrown (5xx say errors.server_error).
        code !== 'server_error' &&
        !sentence.startsWith('errors.') &&
        english.get(`errors.${code}`) !== sentence,
    );
    expect(differ).toEqual([]);
  });

  test('templates and page scripts hold no words of their own', () => {
    const words = (text: string) =>
      text
        .replace(/\{#[\s\S]*?#\}/g, ' ')
        .replace(/\{%[\s\S]*?%\}/g, ' ')
        .replace(/\{\{[\s\S]*?\}\}/g, ' ')
        .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
        .replace(/<[^>]*>/g, (tag) =>
          // People read these attributes: they must come from the catalogue too.
          [...tag.matchAll(/\b(?:aria-label|title|alt|placeholder|data-confirm)="([^"]*)"/g)]
            .map((m) => ` ${m[1]} `)
            .join(''),
        )
        .match(/\p{L}{2,}/gu) ?? [];
    const views = sources.filter(({ file }) => file.endsWith('.njk'));
    expect(views.length).toBeGreaterThan(10);
    const literal = views
      .map(({ file, text }) => ({ file, words: words(text) }))
      .filter(({ words }) => words.length > 0);
    expect(literal).toEqual([]);
    const script = sources.find(({ file }) => file === path.join('src', 'web', 'sesame.ts'));
    const sentences = [...(script?.text ?? '').matchAll(/'([A-Z][^']*\s[^']*)'/g)].map((m) => m[1]);
    expect(sentences).toEqual([]);
  });
});
