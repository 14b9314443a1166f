import type { z } from 'zod';
import { BadRequest } from './errors.js';

/**
 * Parses `value` with `schema`; a failure becomes a 400 naming the first bad field. A schema
 * message written as a catalogue key (`errors.email_missing`) is shown in the person's
 * language; any other (technical) message is shown as it is, inside `errors.invalid_field`.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const message = issue?.message ?? 'invalid request';
  const key = /^errors\.[a-z_]+$/.exec(message) ? message.slice('errors.'.length) : undefined;
  if (key) throw new BadRequest('invalid_request', message).withMessage(key);
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new BadRequest('invalid_request', `${where}${message}`).withMessage('invalid_field', {
    detail: `${where}${message}`,
  });
}
