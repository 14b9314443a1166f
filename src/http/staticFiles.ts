import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves the files under `dir` at `/static/…` from memory. Only files present at start are
 * served (no path is ever joined from the request), with an ETag and a short public cache.
 */
export function staticFiles(dir: string): Middleware {
  const files = new Map<string, { body: Buffer; type: string; etag: string }>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const type = TYPES[path.extname(entry.name)];
    if (!type) continue;
    const body = readFileSync(full);
    const urlPath = `/static/${path.relative(dir, full).split(path.sep).join('/')}`;
    files.set(urlPath, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    });
  }
  return async (ctx, next) => {
    const file = ctx.method === 'GET' || ctx.method === 'HEAD' ? files.get(ctx.path) : undefined;
    if (!file) return next();
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('ETag', file.etag);
    if (ctx.get('If-None-Match') === file.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = file.type;
    ctx.body = file.body;
  };
}
