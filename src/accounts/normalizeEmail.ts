import { z } from 'zod';

/** Emails are stored and compared trimmed and lower-cased (SPEC.md §7). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A person-friendly email field: a string, at most 254 characters, one `@`, a dotted domain. */
export const emailSchema = z
  .string({ message: 'Enter your email address.' })
  .trim()
  .min(1, 'Enter your email address.')
  .max(254, 'That email address is too long.')
  .regex(
    /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/,
    'Enter a valid email address, like name@example.com.',
  )
  .transform(normalizeEmail);
