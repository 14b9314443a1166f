import { GroupError } from './groupError.js';

/** SPEC.md §11: a group name is 1–64 of `a-z 0-9 . _ -`, starting with a letter or digit. */
export const GROUP_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The name as given, or a {@link GroupError} saying what a group name may look like. */
export function checkGroupName(name: string): string {
  if (!GROUP_NAME.test(name)) {
    throw new GroupError(
      'invalid',
      `"${name.slice(0, 80)}" is not a valid group name: use 1 to 64 lower-case letters, ` +
        'digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  return name;
}
