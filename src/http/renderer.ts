import path from 'node:path';
import type { Context } from 'koa';
import nunjucks from 'nunjucks';
import { ROOT_DIR } from '../paths.js';
import { browserMessagesJson } from './browserMessages.js';

/** Renders nunjucks pages (autoescape on) with the values every page needs. */
export interface Renderer {
  /** Renders `views/<name>.njk` into the response as HTML. */
  page(ctx: Context, name: string, model?: Record<string, unknown>): void;
  /** Renders any template to a string (used for mail). */
  render(name: string, model: Record<string, unknown>): string;
}

/** Builds the renderer over `views/`. Templates are cached unless `watch` is set. */
export function createRenderer(options: { rpName: string; watch?: boolean }): Renderer {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(path.join(ROOT_DIR, 'views'), {
      noCache: Boolean(options.watch),
    }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  const messages = browserMessagesJson();
  const render = (name: string, model: Record<string, unknown>): string =>
    env.render(name, { rpName: options.rpName, browserMessages: messages, ...model });
  return {
    render,
    page(ctx, name, model = {}) {
      ctx.type = 'html';
      ctx.body = render(`${name}.njk`, { nonce: ctx.state.cspNonce, ...model });
    },
  };
}
