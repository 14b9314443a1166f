/** Slow or stalled request headers and bodies are cut, so one client cannot hold connections. */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHttpServer, SERVER_TIMEOUTS } from '../../src/http/httpServer.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

let s: RunningSesame;
beforeAll(async () => {
  s = await startSesame();
});
afterAll(async () => {
  await s?.close();
});

/** Writes `data` to `port` and never finishes the request; resolves with what came back and when. */
function stall(port: number, data: string): Promise<{ reply: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ reply, ms: Date.now() - started }));
  });
}

describe('slow clients', () => {
  test('the server Sesame runs on has deliberate timeouts, not Node defaults', () => {
    const server = s.server;
    expect(server.headersTimeout).toBe(SERVER_TIMEOUTS.headersMs);
    expect(server.requestTimeout).toBe(SERVER_TIMEOUTS.requestMs);
    expect(server.keepAliveTimeout).toBe(SERVER_TIMEOUTS.keepAliveMs);
    expect(SERVER_TIMEOUTS.headersMs).toBeLessThanOrEqual(10_000);
    expect(SERVER_TIMEOUTS.requestMs).toBeLessThanOrEqual(30_000);
  });

  describe('are cut with 408 (short timeouts, the same server code)', () => {
    const server = createHttpServer(
      // Answers once the whole body is in, as Sesame's body parsing does.
      (req, res) => {
        req.on('end', () => res.end('ok')).resume();
      },
      { headersMs: 300, requestMs: 600, keepAliveMs: 200, checkEveryMs: 100 },
    );
    let port = 0;
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    test('headers that never end', async () => {
      const { reply, ms } = await stall(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeLessThan(3_000);
    });

    test('a body that never arrives', async () => {
      const { reply, ms } = await stall(
        port,
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      );
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeLessThan(3_000);
    });
  });
});
