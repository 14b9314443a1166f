import { pino, type Logger, type DestinationStream } from 'pino';
import { requestContext } from './requestContext.js';

export type { Logger };

/**
 * JSON logger (pino). Every line written while a request is served carries its `reqId`
 * (see requestContext). Known secret-bearing keys are redacted wherever they appear, as a second
 * line of defence: code never logs codes, tokens, cookies, keys or full emails on purpose.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sesame' },
      mixin: () => {
        const request = requestContext.getStore();
        return request ? { reqId: request.reqId } : {};
      },
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
