import type Router from '@koa/router';
import { z } from 'zod';
import { validate } from '../../http/validate.js';
import { consoleChange, consoleModel } from './consoleChange.js';
import type { ConsoleDeps } from './consoleDeps.js';
import { loadAdminSession } from './consoleSession.js';

const nameParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9._-]+$/);
const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** Groups: "New group", a group's members with "Add member" and "Remove" (over the groups service). */
export function groupsPages(router: Router, deps: ConsoleDeps): void {
  const { admin, renderer } = deps;

  router.get('/admin/groups', async (ctx) => {
    const s = await loadAdminSession(deps, ctx);
    if (!s) return;
    renderer.page(ctx, 'admin/groups', {
      ...consoleModel(ctx, s, 'groups'),
      groups: await admin.groups.list(),
    });
  });

  router.post('/admin/groups', async (ctx) => {
    await consoleChange(
      deps,
      ctx,
      '/admin/groups',
      async (s, form) => {
        const created = await admin.groups.create(s.actor, text(form.name).trim());
        ctx.status = 303;
        ctx.redirect(`/admin/groups/${created.name}?done=saved`);
      },
      async (s, form, error) =>
        renderer.page(ctx, 'admin/groups', {
          ...consoleModel(ctx, s, 'groups'),
          groups: await admin.groups.list(),
          name: text(form.name),
          error,
        }),
    );
  });

  router.get('/admin/groups/:name', async (ctx) => {
    const name = validate(nameParam, ctx.params.name);
    const s = await loadAdminSession(deps, ctx);
    if (!s) return;
    renderer.page(ctx, 'admin/group', {
      ...consoleModel(ctx, s, 'groups'),
      group: await admin.groups.show(name),
    });
  });

  const member = (path: string, act: 'add' | 'remove' | 'delete') =>
    router.post(path, async (ctx) => {
      const name = validate(nameParam, ctx.params.name);
      const back = `/admin/groups/${name}`;
      await consoleChange(
        deps,
        ctx,
        back,
        async (s, form) => {
          if (act === 'add') await admin.groups.addMember(s.actor, name, text(form.email));
          if (act === 'remove') await admin.groups.removeMember(s.actor, name, text(form.email));
          if (act === 'delete') await admin.groups.remove(s.actor, name);
          ctx.status = 303;
          ctx.redirect(act === 'delete' ? '/admin/groups?done=deleted' : `${back}?done=saved`);
        },
        async (s, form, error) =>
          renderer.page(ctx, 'admin/group', {
            ...consoleModel(ctx, s, 'groups'),
            group: await admin.groups.show(name),
            email: text(form.email),
            error,
          }),
      );
    });
  member('/admin/groups/:name/members', 'add');
  member('/admin/groups/:name/members/remove', 'remove');
  member('/admin/groups/:name/delete', 'delete');
}
