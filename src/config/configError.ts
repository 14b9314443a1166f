/** Thrown when the environment holds a bad value; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
