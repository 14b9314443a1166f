import coBody from 'co-body';
import type { Context } from 'koa';
import type { z } from 'zod';
import { BadRequest, HttpError, PayloadTooLarge, UnsupportedMediaType } from './errors.js';
import { validate } from './validate.js';

const TYPES = {
  json: { mime: 'application/json', label: 'JSON (application/json)' },
  form: {
    mime: 'application/x-www-form-urlencoded',
    label: 'a form (application/x-www-form-urlencoded)',
  },
} as const;

/** Largest accepted request body: a WebAuthn response with an RSA key fits well inside. */
export const BODY_LIMIT = '16kb';

/**
 * Reads the request body of the given kind and validates it with `schema`. Wrong content type
 * → 415, too large → 413, unparsable or invalid → 400 with a message naming the field.
 */
export async function readBody<S extends z.ZodType>(
  ctx: Context,
  kind: keyof typeof TYPES,
  schema: S,
): Promise<z.infer<S>> {
  const type = TYPES[kind];
  if (!ctx.is(type.mime)) throw new UnsupportedMediaType(type.label);
  let raw: unknown;
  try {
    raw =
      kind === 'json'
        ? await coBody.json(ctx.req, { limit: BODY_LIMIT, strict: true })
        : await coBody.form(ctx.req, {
            limit: BODY_LIMIT,
            queryString: { depth: 0, arrayLimit: 0 },
          });
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const status = (err as { status?: number }).status;
    if (status === 413) throw new PayloadTooLarge();
    if (status === 415) throw new UnsupportedMediaType(type.label);
    throw new BadRequest('invalid_request', 'The request body could not be read.').withMessage(
      'request_unreadable',
    );
  }
  return validate(schema, raw);
}
