/**
 * Typed, OAuth-shaped HTTP errors. Throw them anywhere in request handling; the one error
 * middleware renders them as JSON for fetch calls and as a page for navigations. `expose` is
 * true for 4xx: their message is written for the person reading it.
 */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  readonly expose: boolean;
  /** Extra response headers, e.g. `Retry-After`. */
  headers: Record<string, string> = {};
  /** Where the error page sends the person on (its default: "Go to your account"). */
  wayOn?: WayOn;
  /**
   * The catalogue message shown to people is `errors.<key>` (default: the code), in their
   * language; `message` stays the English text for logs and a fallback.
   */
  key: string | undefined;
  /** Values the catalogue message interpolates, e.g. `{ seconds: 30 }`. */
  params: Record<string, unknown> = {};

  constructor(
    readonly status: number,
    /** Machine-readable code, e.g. `invalid_request`. */
    readonly code: string,
    /** A sentence a person understands. */
    message: string,
  ) {
    super(message);
    this.expose = status < 500;
  }

  /** Shows `errors.<key>` (with `params`) instead of `errors.<code>`; returns this error. */
  withMessage(key: string | undefined, params: Record<string, unknown> = {}): this {
    this.key = key;
    this.params = params;
    return this;
  }
}

/** The error page's one way on: a link and its words (a catalogue key), e.g. "Back to {app}". */
export interface WayOn {
  href: string;
  key: string;
  params?: Record<string, string>;
}

/** The error page's way on when nothing better is known. */
export const TO_ACCOUNT: WayOn = { href: '/account', key: 'errorPage.toAccount' };

/** A wait rounded up to the largest fitting unit: 30 seconds, 1 minute, 15 minutes, 2 hours. */
export function waitIn(seconds: number): { count: number; unit: 'seconds' | 'minutes' | 'hours' } {
  if (seconds < 60) return { count: Math.max(1, Math.ceil(seconds)), unit: 'seconds' };
  if (seconds < 3600) return { count: Math.ceil(seconds / 60), unit: 'minutes' };
  return { count: Math.ceil(seconds / 3600), unit: 'hours' };
}

/** The catalogue message of a 429, by the unit of the wait (each with its plural forms). */
const WAIT_KEYS = {
  seconds: 'rate_limited_seconds',
  minutes: 'rate_limited_minutes',
  hours: 'rate_limited_hours',
} as const;

/** The same wait in English words, for logs. */
function waitWords(seconds: number): string {
  const { count, unit } = waitIn(seconds);
  return `${count} ${count === 1 ? unit.slice(0, -1) : unit}`;
}

/** 400: the request is malformed or a value is invalid. */
export class BadRequest extends HttpError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

/** 401: missing or wrong credentials (e.g. an admin API bearer token); carries `WWW-Authenticate`. */
export class Unauthorized extends HttpError {
  constructor(code: string, message: string) {
    super(401, code, message);
    this.headers['WWW-Authenticate'] = `Bearer error="${code}"`;
  }
}

/** 403: the request is understood but refused (e.g. CSRF, disabled account). */
export class Forbidden extends HttpError {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

/** 404: nothing here, or the interaction has expired. */
export class NotFound extends HttpError {
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

/** 413: the request body is larger than the limit. */
export class PayloadTooLarge extends HttpError {
  constructor() {
    super(413, 'payload_too_large', 'The request is too large.');
  }
}

/** 415: the request body has a content type this endpoint does not accept. */
export class UnsupportedMediaType extends HttpError {
  constructor(expected: string) {
    super(415, 'unsupported_media_type', `Send the request as ${expected}.`);
    this.params = { expected };
  }
}

/** 429: too many attempts; carries `Retry-After`. */
export class TooManyRequests extends HttpError {
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, 'rate_limited', `Too many attempts. Try again in ${waitWords(seconds)}.`);
    this.headers['Retry-After'] = String(seconds);
    // "Try again in 15 minutes", in the person's language and plural.
    const wait = waitIn(seconds);
    this.withMessage(WAIT_KEYS[wait.unit], { count: wait.count, seconds });
  }
}

/** 503: the store is unreachable; the request can be retried. */
export class ServiceUnavailable extends HttpError {
  constructor() {
    super(
      503,
      'temporarily_unavailable',
      'Sesame is temporarily unavailable. Please try again in a moment.',
    );
    this.headers['Retry-After'] = '5';
  }
}
