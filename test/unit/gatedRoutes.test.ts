import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Router from '@koa/router';
import Koa from 'koa';
import { gatedRoutes } from '../../src/http/gatedRoutes.js';

let server: Server;
let base: string;
/** How many requests each router matched against its routes. */
const reached = { pages: 0, open: 0 };

/** Counts the calls of `router.match` (what gating saves) in `reached[name]`. */
function countMatches(router: Router, name: keyof typeof reached): void {
  const match = router.match.bind(router);
  router.match = (...args: Parameters<Router['match']>) => {
    reached[name]++;
    return match(...args);
  };
}

beforeAll(async () => {
  const pages = new Router();
  pages.get('/account', (ctx) => {
    ctx.body = 'account';
  });
  pages.post('/interaction/:uid/verify', (ctx) => {
    ctx.body = `verify ${ctx.params.uid}`;
  });
  pages.get('/', (ctx) => {
    ctx.body = 'home';
  });
  // A route that starts with a parameter could match any path: that router is never gated.
  const open = new Router();
  open.get('/:lang/help', (ctx) => {
    ctx.body = `help ${ctx.params.lang}`;
  });
  countMatches(pages, 'pages');
  countMatches(open, 'open');
  const app = new Koa();
  app.use(gatedRoutes(pages));
  app.use(gatedRoutes(open));
  app.use((ctx) => {
    ctx.body = 'fell through';
  });
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const call = async (path: string, method = 'GET') =>
  (await fetch(`${base}${path}`, { method })).text();

describe('gatedRoutes', () => {
  test('routes its router exactly as router.routes() does, whatever the case', async () => {
    expect(await call('/account')).toBe('account');
    expect(await call('/ACCOUNT')).toBe('account');
    expect(await call('/account/')).toBe('account');
    expect(await call('/interaction/abc/verify', 'POST')).toBe('verify abc');
    expect(await call('/')).toBe('home');
    expect(await call('/de/help')).toBe('help de');
  });

  test('a path no route of the router can match skips it without matching', async () => {
    const before = { ...reached };
    expect(await call('/token', 'POST')).toBe('fell through');
    expect(await call('/accounts')).toBe('fell through');
    expect(reached.pages).toBe(before.pages);
    // The ungated router still looked (and found nothing to run).
    expect(reached.open).toBe(before.open + 2);
    expect(await call('/account')).toBe('account');
    expect(reached.pages).toBe(before.pages + 1);
  });

  test('a path with a known first segment but no route falls through after matching', async () => {
    expect(await call('/interaction/abc/other')).toBe('fell through');
    expect(await call('/account', 'DELETE')).toBe('fell through');
  });
});
