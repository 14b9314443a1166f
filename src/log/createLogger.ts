import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * JSON logger (pino). Known secret-bearing keys are redacted wherever they appear, as a second
 * line of defence: code never logs codes, tokens, cookies, keys or full emails on purpose.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sesame' },
      redact: {
        paths: [
          'code',
          'token',
          'secret',
          'client_secret',
          'cookie',
          'authorization',
          'password',
          '*.code',
          '*.token',
          '*.secret',
          '*.client_secret',
          '*.cookie',
          '*.authorization',
          'req.headers.cookie',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
