import { BadRequest } from '../http/errors.js';
import { clientDataSchema } from './webauthnSchemas.js';
import type { z } from 'zod';

/**
 * Decodes and type-checks clientDataJSON before anything is looked up. A cross-origin
 * (iframed) ceremony is refused outright: Sesame's pages are never framed.
 */
export function readClientData(clientDataJSON: string): z.infer<typeof clientDataSchema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequest('invalid_credential', 'The passkey response could not be read.');
  }
  const result = clientDataSchema.safeParse(parsed);
  if (!result.success)
    throw new BadRequest('invalid_credential', 'The passkey response could not be read.');
  if (result.data.crossOrigin === true || result.data.topOrigin !== undefined) {
    throw new BadRequest(
      'invalid_credential',
      'Passkeys cannot be used from inside another site.',
    ).withMessage('cross_site');
  }
  return result.data;
}
