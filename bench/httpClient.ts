import http from 'node:http';

/** One HTTP response, body read in full. */
export interface BenchResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Fails a request that takes longer than this (a stuck server must not stall the bench). */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A minimal HTTP/1.1 client over one keep-alive agent: far cheaper per request than `fetch`,
 * so the load generator spends its CPU on the flows, not on the client.
 */
export class HttpClient {
  readonly agent: http.Agent;

  constructor(
    /** Where to connect, e.g. `http://127.0.0.1:3000`. */
    private readonly target: URL,
    /** The Host header to send (the issuer's host), e.g. `localhost:3000`. */
    private readonly host: string,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<BenchResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          hostname: this.target.hostname,
          port: this.target.port,
          method,
          path,
          headers: {
            host: this.host,
            ...headers,
            ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
          },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * A browser's cookie jar for one host: honours Path, deletion by Max-Age=0 or a past Expires,
 * and nothing else (every request goes to the same loopback origin).
 */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** Stores the cookies of a response. */
  take(headers: http.IncomingHttpHeaders, requestPath: string): void {
    const set = headers['set-cookie'];
    if (!set) return;
    for (const line of set) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(requestPath);
      let expired = false;
      for (const attr of attrs) {
        const [k = '', v = ''] = attr.split('=');
        const key = k.trim().toLowerCase();
        if (key === 'path' && v.trim().startsWith('/')) path = v.trim();
        else if (key === 'max-age' && Number(v) <= 0) expired = true;
        else if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${name};${path}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  /** The Cookie header for a request to `path`, longest paths first as browsers send them. */
  header(path: string): string {
    const pathname = path.split('?')[0] ?? '/';
    return [...this.cookies.values()]
      .filter((c) => pathMatches(pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

function defaultPath(requestPath: string): string {
  const pathname = requestPath.split('?')[0] ?? '/';
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(pathname: string, cookiePath: string): boolean {
  if (pathname === cookiePath) return true;
  if (!pathname.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || pathname.charAt(cookiePath.length) === '/';
}

/** A browser session: the shared client plus its own cookie jar. */
export class Browser {
  readonly jar = new CookieJar();

  constructor(
    private readonly http: HttpClient,
    private readonly origin: string,
  ) {}

  async request(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<BenchResponse> {
    const cookie = this.jar.header(path);
    const res = await this.http.request(
      method,
      path,
      cookie ? { ...headers, cookie } : headers,
      body,
    );
    this.jar.take(res.headers, path);
    return res;
  }

  get(path: string): Promise<BenchResponse> {
    return this.request('GET', path, { accept: 'text/html' });
  }

  /** POSTs JSON the way Sesame's page script does (same-origin fetch). */
  postJson(path: string, value: unknown): Promise<BenchResponse> {
    return this.request(
      'POST',
      path,
      {
        'content-type': 'application/json',
        accept: 'application/json',
        origin: this.origin,
        'sec-fetch-site': 'same-origin',
      },
      JSON.stringify(value),
    );
  }

  /** POSTs a form the way a browser does. */
  postForm(path: string, fields: Record<string, string>): Promise<BenchResponse> {
    return this.request(
      'POST',
      path,
      { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin },
      new URLSearchParams(fields).toString(),
    );
  }
}
