import { z } from 'zod';

/** What a zero-width joiner or non-joiner may stand between and still be kept. */
const JOINABLE = /[\p{L}\p{M}\p{Extended_Pictographic}\u{FE0F}]/u;

/**
 * The one cleaning every name a person types goes through (display names, passkey names):
 * NFC; invisible format characters (Unicode category Cf) stripped — bidi controls such as
 * U+202E, which reverse how the rest of a line reads, and zero-width characters that make two
 * names look alike — except the joiners U+200C/U+200D between letters or emoji, which Persian
 * or 👩‍💻 need; runs of white space made one space; trimmed.
 */
export function cleanName(text: string): string {
  const chars = [...text.normalize('NFC')];
  return chars
    .filter((char, i) => {
      if (!/\p{Cf}/u.test(char)) return true;
      if (char !== '\u200c' && char !== '\u200d') return false;
      return JOINABLE.test(chars[i - 1] ?? '') && JOINABLE.test(chars[i + 1] ?? '');
    })
    .join('')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** A schema for a typed name: cleaned by {@link cleanName}, then 1–`max` characters, no controls. */
export function nameField(words: { empty: string; tooLong: string; control: string }, max: number) {
  return z
    .string({ message: words.empty })
    .transform(cleanName)
    .pipe(
      z
        .string()
        .min(1, words.empty)
        .max(max, words.tooLong)
        // eslint-disable-next-line no-control-regex
        .regex(/^[^\u0000-\u001f\u007f-\u009f]+$/, words.control),
    );
}
