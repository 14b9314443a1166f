import type Router from '@koa/router';
import { z } from 'zod';
import { validate } from '../../http/validate.js';
import { idParam } from '../api/apiSchemas.js';
import { consoleChange, consoleModel } from './consoleChange.js';
import type { ConsoleDeps } from './consoleDeps.js';
import { loadAdminSession } from './consoleSession.js';

const searchQuery = z.string().max(254).optional();
const ACTIONS = ['disable', 'enable', 'promote', 'demote', 'delete', 'recovery-link'] as const;

/** People: search and list; a person's page with their passkeys, groups, apps and activity. */
export function peoplePages(router: Router, deps: ConsoleDeps): void {
  const { admin, renderer } = deps;

  router.get('/admin/people', async (ctx) => {
    const s = await loadAdminSession(deps, ctx);
    if (!s) return;
    const search = validate(searchQuery, ctx.query.search || undefined);
    const people = await admin.people.list(search);
    renderer.page(ctx, 'admin/people', { ...consoleModel(ctx, s, 'people'), people, search });
  });

  router.get('/admin/people/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    const s = await loadAdminSession(deps, ctx);
    if (!s) return;
    const details = await admin.people.show({ id });
    const apps = new Map<string, string>();
    for (const c of await admin.clients.list()) apps.set(c.client_id, c.client_name);
    const confirm = typeof ctx.query.confirm === 'string' ? ctx.query.confirm : undefined;
    renderer.page(ctx, 'admin/person', {
      ...consoleModel(ctx, s, 'people'),
      person: details,
      events: details.events.map((e) => ({
        ...e,
        app: e.clientId ? (apps.get(e.clientId) ?? e.clientId) : undefined,
      })),
      self: details.account.id === s.session.account.id,
      confirm: confirm === 'delete' || confirm === 'disable' ? confirm : undefined,
    });
  });

  for (const action of ACTIONS) {
    router.post(`/admin/people/:id/${action}`, async (ctx) => {
      const id = validate(idParam, ctx.params.id);
      const back = `/admin/people/${id}`;
      await consoleChange(deps, ctx, back, async (s) => {
        const by = s.actor;
        if (action === 'recovery-link') {
          const link = await admin.people.issueRecoveryLink(by, { id });
          const details = await admin.people.show({ id });
          return renderer.page(ctx, 'admin/recoveryLink', {
            ...consoleModel(ctx, s, 'people'),
            person: details.account,
            link,
          });
        }
        if (action === 'disable') await admin.people.disable(by, { id });
        if (action === 'enable') await admin.people.enable(by, { id });
        if (action === 'promote') await admin.people.promote(by, { id });
        if (action === 'demote') await admin.people.demote(by, { id });
        if (action === 'delete') await admin.people.remove(by, { id });
        ctx.status = 303;
        ctx.redirect(
          action === 'delete' ? '/admin/people?done=deleted' : `${back}?done=${action}d`,
        );
      });
    });
  }
}
