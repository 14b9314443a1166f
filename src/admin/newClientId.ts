import { randomBytes } from 'node:crypto';

/**
 * A new random client id (96 bits, base64url) that never starts with `-`, so
 * `sesame client show ID` and friends read it as an argument, not as an option.
 */
export function newClientId(): string {
  const id = randomBytes(12).toString('base64url');
  return id.startsWith('-') ? `A${id.slice(1)}` : id;
}
