import { domainToASCII } from 'node:url';
import { z } from 'zod';

/** Scripts a local part's letters are sorted into; anything else counts as `Other`. */
const SCRIPTS = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Devanagari',
  'Thai',
  'Georgian',
  'Hangul',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Han',
] as const;
const SCRIPT_PATTERNS = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);
/** Mixes Unicode TS #39 ("highly restrictive") allows: each set may be combined freely. */
const ALLOWED_MIXES = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
].map((set) => new Set<string>(set));

function scriptsOf(text: string): Set<string> {
  const scripts = new Set<string>();
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    scripts.add(SCRIPT_PATTERNS.find(([, re]) => re.test(char))?.[0] ?? 'Other');
  }
  return scripts;
}

/** `true` when the letters come from one script, or from a mix TS #39 allows (e.g. Japanese). */
function singleScript(text: string): boolean {
  const scripts = scriptsOf(text);
  return scripts.size <= 1 || ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)));
}

/** Why an address is refused (a catalogue key), or `undefined` when it is acceptable. */
type Verdict = { email: string } | { error: string };

const INVALID = 'errors.email_invalid';

/**
 * The address policy (docs/SECURITY.md): NFKC-normalised, trimmed and lower-cased; the domain
 * in punycode (`bücher.example` → `xn--bcher-kva.example`); refused: a dot at the start or end
 * of either part or two in a row (`ana@example.com.`), invisible or control characters, and a
 * local part mixing scripts (Latin with Cyrillic look-alikes). `ana+tag@` stays its own address.
 */
export function checkEmail(input: string): Verdict {
  const email = input.trim().normalize('NFKC');
  if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(email)) return { error: 'errors.email_invisible' };
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at).toLowerCase();
  const domain = email.slice(at + 1).toLowerCase();
  if (at < 1 || !domain || /[@<>()[\]\\,;:"]/.test(local) || local.length > 64)
    return { error: INVALID };
  if (domain.endsWith('.') || local.endsWith('.')) return { error: 'errors.email_trailing_dot' };
  if (/^\.|\.\./.test(local) || /^\.|\.\./.test(domain)) return { error: INVALID };
  if (!singleScript(local)) return { error: 'errors.email_mixed_script' };
  const ascii = domainToASCII(domain);
  if (!ascii || !/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/.test(ascii))
    return { error: INVALID };
  return { email: `${local}@${ascii}` };
}

/** Emails are stored and compared in the form {@link checkEmail} gives (SPEC.md §7). */
export function normalizeEmail(email: string): string {
  const verdict = checkEmail(email);
  return 'email' in verdict ? verdict.email : email.trim().toLowerCase();
}

/**
 * The mailbox an address delivers to, for mail rate limits: `ana+1@x` and `ana+2@x` both reach
 * `ana@x`, so they share one allowance (they stay separate addresses for accounts).
 */
export function mailboxOf(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at).split('+')[0]}@${email.slice(at + 1)}`;
}

/** A person-friendly email field: at most 254 characters, checked and normalised by {@link checkEmail}. */
export const emailSchema = z
  .string({ message: 'errors.email_missing' })
  .trim()
  .min(1, 'errors.email_missing')
  .max(254, 'errors.email_too_long')
  .transform((value, ctx) => {
    const verdict = checkEmail(value);
    if ('email' in verdict) return verdict.email;
    ctx.addIssue({ code: 'custom', message: verdict.error });
    return z.NEVER;
  });
