import { BadRequest, NotFound } from '../http/errors.js';

/*
 * Operator rules refuse with a precise English sentence (the CLI prints it; the console and the
 * API show it inside `errors.invalid_field`), so every face says the same thing.
 */

/** 400 `invalid_request`: an operator's input breaks a rule; `message` says which and why. */
export function invalidInput(message: string, code = 'invalid_request'): BadRequest {
  return new BadRequest(code, message).withMessage('invalid_field', { detail: message });
}

/** 404 `not_found`: no such app, person, group or token. */
export function notFound(message: string): NotFound {
  return new NotFound('not_found', message).withMessage('invalid_field', { detail: message });
}
