import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { rotateKeys } from '../../src/oidc/rotateKeys.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

let sesame: RunningSesame;
beforeAll(async () => {
  sesame = await startSesame({}, { keyPollMs: 60_000 });
});
afterAll(async () => {
  await sesame?.close();
});

const DISCOVERY = '/.well-known/openid-configuration';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain GET (fetch would add `Cache-Control: no-cache` to a conditional request). */
function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, sesame.localUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: { host: new URL(sesame.issuer).host, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('discovery and JWKS served from their cached JSON', () => {
  test.each([DISCOVERY, '/jwks'])(
    '%s: the same bytes every time, with an ETag that answers 304',
    async (path) => {
      const first = await get(path);
      const second = await get(path);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body).toBe(first.body);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(second.headers.etag).toBe(etag);
      expect(second.headers['content-type']).toBe(first.headers['content-type']);
      expect(JSON.parse(first.body)).toBeTruthy();

      const again = await get(path, { 'If-None-Match': etag });
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      // Every answer keeps Sesame's security headers.
      expect(again.headers['x-content-type-options']).toBe('nosniff');
      const stale = await get(path, { 'If-None-Match': '"something-else"' });
      expect(stale.status).toBe(200);
      expect(stale.body).toBe(first.body);
    },
  );

  test('CORS as oidc-provider answers it: any origin, reflected, with Vary', async () => {
    await get('/jwks');
    const cors = await get('/jwks', { Origin: 'https://app.example' });
    expect(cors.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(cors.headers.vary)).toMatch(/Origin/);
    const plain = await get('/jwks');
    expect(plain.headers['access-control-allow-origin']).toBe('*');
  });

  test('a forged Host header is answered for itself and never poisons the cache', async () => {
    const forged = await get(DISCOVERY, { host: 'evil.example' });
    expect(JSON.parse(forged.body).jwks_uri).toBe('http://evil.example/jwks');
    expect(forged.headers.etag).toBeUndefined();
    const meta = JSON.parse((await get(DISCOVERY)).body) as Record<string, unknown>;
    expect(meta.issuer).toBe(sesame.issuer);
    expect(meta.jwks_uri).toBe(`${sesame.issuer}/jwks`);
    expect(meta.token_endpoint).toBe(`${sesame.issuer}/token`);
  });

  test('a key rotation publishes the new keys at once: the cache goes with the provider', async () => {
    const before = await get('/jwks');
    const oldTag = String(before.headers.etag);
    const oldKids = (JSON.parse(before.body) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const rotation = await rotateKeys(sesame.store, { activateInMs: 60_000 });
    await sesame.sesame.keyWatcher.check();
    const after = await get('/jwks', { 'If-None-Match': oldTag });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(oldTag);
    const kids = (JSON.parse(after.body) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(kids).toEqual(
      expect.arrayContaining([
        ...oldKids,
        ...rotation.created.flatMap((k) => (k.kid ? [k.kid] : [])),
      ]),
    );
  });
});
