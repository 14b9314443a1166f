import { createServer, type RequestListener, type Server } from 'node:http';

/** How long Sesame waits for slow clients (docs/DEPLOY.md, "Timeouts"). */
export interface ServerTimeouts {
  /** The request line and headers must arrive within this (else 408 and the socket closes). */
  headersMs: number;
  /** The whole request, body included, must arrive within this (bodies are at most 16 kB). */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** How often Node looks for requests past their deadline. */
  checkEveryMs: number;
}

/**
 * Deliberate limits: Node's defaults (60 s for headers, 300 s per request, checked every 30 s)
 * let one client hold a connection for minutes by trickling bytes.
 */
export const SERVER_TIMEOUTS: Readonly<ServerTimeouts> = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkEveryMs: 1_000,
};

/** The HTTP server Sesame listens with: Node's, with {@link SERVER_TIMEOUTS} set. */
export function createHttpServer(
  handler?: RequestListener,
  timeouts: Readonly<ServerTimeouts> = SERVER_TIMEOUTS,
): Server {
  const server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkEveryMs,
  });
  server.keepAliveTimeout = timeouts.keepAliveMs;
  if (handler) server.on('request', handler);
  return server;
}
