import type { z } from 'zod';
import { BadRequest } from './errors.js';

/**
 * Parses `value` with `schema`; a failure becomes a 400 with the first issue's message. A
 * sentence written for people (ending in a full stop) is shown as it is; a library default
 * is prefixed with the field it concerns.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const written = issue?.message.endsWith('.') ?? false;
  const where = issue && issue.path.length > 0 && !written ? `${issue.path.join('.')}: ` : '';
  throw new BadRequest('invalid_request', `${where}${issue?.message ?? 'invalid request'}`);
}
