import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The test relying party's loopback endpoints, recording what reaches them. */
export interface CallbackServer {
  /** `http://127.0.0.1:PORT/callback`: the authorization response lands here. */
  redirectUri: string;
  /** `http://127.0.0.1:PORT/signed-out`: for `post_logout_redirect_uri`. */
  postLogoutRedirectUri: string;
  /** `http://127.0.0.1:PORT/backchannel-logout`: takes back-channel logout POSTs. */
  backchannelLogoutUri: string;
  /** Every callback URL received so far, oldest first. */
  callbacks: URL[];
  /** The next callback URL that no earlier call returned, waiting up to `timeoutMs` (default 10000). */
  nextCallback(timeoutMs?: number): Promise<URL>;
  /** The next URL that reached `postLogoutRedirectUri`. */
  nextPostLogout(timeoutMs?: number): Promise<URL>;
  /** The `logout_token` of the next back-channel logout request. */
  nextBackchannelLogout(timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** A queue whose items are each handed to one taker, who may come before or after the item. */
class Inbox<T> {
  readonly items: T[] = [];
  #next = 0;
  #takers: Array<(item: T) => void> = [];

  constructor(readonly what: string) {}

  put(item: T): void {
    this.items.push(item);
    const taker = this.#takers.shift();
    if (taker) taker(this.items[this.#next++]!);
  }

  take(timeoutMs: number): Promise<T> {
    if (this.#next < this.items.length) return Promise.resolve(this.items[this.#next++]!);
    return new Promise<T>((resolve, reject) => {
      const taker = (item: T) => {
        clearTimeout(timer);
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.#takers.splice(this.#takers.indexOf(taker), 1);
        reject(new Error(`No ${this.what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#takers.push(taker);
    });
  }
}

const PAGE = (title: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><h1>${title}</h1></body></html>`;

/**
 * Starts the test RP's real HTTP endpoints on a free 127.0.0.1 port. Browser tests need them:
 * `page.route` does not reliably see a redirect to the RP, a real server does.
 */
export async function startCallbackServer(): Promise<CallbackServer> {
  const callbacks = new Inbox<URL>('callback');
  const postLogouts = new Inbox<URL>('post-logout redirect');
  const backchannel = new Inbox<string>('back-channel logout');

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (req.method === 'GET' && url.pathname === '/callback') {
      callbacks.put(url);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE('signed in'));
    } else if (req.method === 'GET' && url.pathname === '/signed-out') {
      postLogouts.put(url);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE('signed out'));
    } else if (req.method === 'POST' && url.pathname === '/backchannel-logout') {
      readBody(req).then(
        (body) => {
          backchannel.put(new URLSearchParams(body).get('logout_token') ?? '');
          res.writeHead(200).end();
        },
        () => res.writeHead(400).end(),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    redirectUri: `${base}/callback`,
    postLogoutRedirectUri: `${base}/signed-out`,
    backchannelLogoutUri: `${base}/backchannel-logout`,
    callbacks: callbacks.items,
    nextCallback: (timeoutMs = 10_000) => callbacks.take(timeoutMs),
    nextPostLogout: (timeoutMs = 10_000) => postLogouts.take(timeoutMs),
    nextBackchannelLogout: (timeoutMs = 10_000) => backchannel.take(timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
