import { z } from 'zod';

/** Emails are stored and compared trimmed and lower-cased (SPEC.md §7). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A person-friendly email field (its messages are catalogue keys): a string, at most 254 characters, one `@`, a dotted domain. */
export const emailSchema = z
  .string({ message: 'errors.email_missing' })
  .trim()
  .min(1, 'errors.email_missing')
  .max(254, 'errors.email_too_long')
  .regex(
    /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/,
    'errors.email_invalid',
  )
  .transform(normalizeEmail);
