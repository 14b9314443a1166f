/** Why a group or claim operation was refused: the faces map it to an exit code or a status. */
export type GroupErrorKind = 'invalid' | 'not_found' | 'exists' | 'conflict';

/** A refused group, membership or claim operation; the message says what is wrong in words. */
export class GroupError extends Error {
  override readonly name = 'GroupError';
  constructor(
    readonly kind: GroupErrorKind,
    message: string,
  ) {
    super(message);
  }
}
