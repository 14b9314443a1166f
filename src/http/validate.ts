import type { z } from 'zod';
import { BadRequest } from './errors.js';

/** Parses `value` with `schema`; a failure becomes a 400 naming the first bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new BadRequest('invalid_request', `${where}${issue?.message ?? 'invalid request'}`);
}
