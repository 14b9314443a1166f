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
    super(429, 'rate_limited', 'Too many attempts. Wait a moment and try again.');
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    this.headers['Retry-After'] = String(seconds);
    this.params = { seconds };
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
