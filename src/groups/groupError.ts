import { HttpError } from '../http/errors.js';

/** Why a group or claim operation was refused. */
export type GroupErrorKind = 'invalid' | 'not_found' | 'exists' | 'conflict';

const STATUS: Record<GroupErrorKind, number> = {
  invalid: 400,
  not_found: 404,
  exists: 409,
  conflict: 409,
};

/**
 * A refused group, membership or claim operation. An exposed {@link HttpError} (400, 404 or
 * 409, code `group_<kind>`), so the CLI prints its message and the API answers with it; the
 * message says what is wrong in words for the operator.
 */
export class GroupError extends HttpError {
  override readonly name = 'GroupError';
  constructor(
    readonly kind: GroupErrorKind,
    message: string,
  ) {
    super(STATUS[kind], `group_${kind}`, message);
    // Every face shows the operator the same sentence (as the admin service's own refusals do).
    this.withMessage('invalid_field', { detail: message });
  }
}
