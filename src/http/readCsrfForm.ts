import type { Context } from 'koa';
import { z } from 'zod';
import type { Csrf } from './csrf.js';
import { readBody } from './readBody.js';

const anyForm = z.record(z.string(), z.unknown());

/**
 * Reads a form body and checks its `_csrf` field against `binding` (403 when wrong) before
 * anything else looks at it. Fields are validated by the caller's own schema afterwards.
 */
export async function readCsrfForm(
  ctx: Context,
  csrf: Csrf,
  binding: string,
): Promise<Record<string, unknown>> {
  const form = await readBody(ctx, 'form', anyForm);
  csrf.verify(binding, form._csrf);
  return form;
}
