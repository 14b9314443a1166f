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
}

/** The error page's one way on: a link and its words, e.g. "Back to Recipe Box". */
export interface WayOn {
  href: string;
  label: string;
}

/** The error page's way on when nothing better is known. */
export const TO_ACCOUNT: WayOn = { href: '/account', label: 'Go to your account' };

/** How long to wait, in words: "30 seconds", "1 minute", "15 minutes", "2 hours". */
export function waitWords(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return unit(Math.max(1, Math.ceil(seconds)), 'second');
  if (seconds < 3600) return unit(Math.ceil(seconds / 60), 'minute');
  return unit(Math.ceil(seconds / 3600), 'hour');
}

/** 400: the request is malformed or a value is invalid. */
export class BadRequest extends HttpError {
  constructor(code: string, message: string) {
    super(400, code, message);
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
  }
}

/** 429: too many attempts; carries `Retry-After`. */
export class TooManyRequests extends HttpError {
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, 'rate_limited', `Too many attempts. Try again in ${waitWords(seconds)}.`);
    this.headers['Retry-After'] = String(seconds);
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
