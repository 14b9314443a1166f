import type Router from '@koa/router';
import type { Context } from 'koa';
import { validate } from '../../http/validate.js';
import { idParam } from '../api/apiSchemas.js';
import { appFormValues, appInput, appValuesOf, EMPTY_APP, type AppFormValues } from './appForm.js';
import { consoleChange, consoleModel } from './consoleChange.js';
import type { ConsoleDeps } from './consoleDeps.js';
import { loadAdminSession, type AdminSession } from './consoleSession.js';

/** Apps: the list, "Add an app", an app's page (edit, "Rotate secret", "Delete"). */
export function appsPages(router: Router, deps: ConsoleDeps): void {
  const { admin, renderer } = deps;
  const form = (
    ctx: Context,
    s: AdminSession,
    values: AppFormValues,
    extra: Record<string, unknown>,
  ) =>
    renderer.page(ctx, 'admin/appForm', {
      ...consoleModel(ctx, s, 'apps'),
      values,
      ...extra,
    });
  const secretPage = (
    ctx: Context,
    s: AdminSession,
    app: { client_id: string; client_name: string },
    secret: string | undefined,
    kind: 'created' | 'rotated' | 'changed',
  ) =>
    renderer.page(ctx, 'admin/appSecret', {
      ...consoleModel(ctx, s, 'apps'),
      app,
      secret,
      headingKey: {
        created: 'admin.secret.created',
        rotated: 'admin.secret.rotated',
        changed: 'admin.secret.changed',
      }[kind],
    });

  router.get('/admin', (ctx) => {
    ctx.status = 303;
    ctx.redirect('/admin/apps');
  });

  router.get('/admin/apps', async (ctx) => {
    const s = await loadAdminSession(deps, ctx);
    if (!s) return;
    const apps = await admin.clients.list();
    apps.sort((a, b) => a.client_name.localeCompare(b.client_name));
    renderer.page(ctx, 'admin/apps', { ...consoleModel(ctx, s, 'apps'), apps });
  });

  router.get('/admin/apps/new', async (ctx) => {
    const s = await loadAdminSession(deps, ctx);
    if (s) form(ctx, s, EMPTY_APP, { action: '/admin/apps' });
  });

  router.post('/admin/apps', async (ctx) => {
    await consoleChange(
      deps,
      ctx,
      '/admin/apps/new',
      async (s, posted) => {
        const values = appFormValues(posted);
        const created = await admin.clients.add(s.actor, appInput(values));
        // Shown in this answer only (no redirect), so the secret never sits in a URL or history.
        secretPage(
          ctx,
          s,
          { ...created, client_name: values.name },
          created.client_secret,
          'created',
        );
      },
      (s, posted, error) => form(ctx, s, appFormValues(posted), { action: '/admin/apps', error }),
    );
  });

  router.get('/admin/apps/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    const s = await loadAdminSession(deps, ctx);
    if (!s) return;
    const app = await admin.clients.show(id);
    const confirm = ctx.query.confirm === 'delete' || ctx.query.confirm === 'rotate';
    form(ctx, s, appValuesOf(app), {
      action: `/admin/apps/${id}`,
      app,
      confirm: confirm ? ctx.query.confirm : undefined,
    });
  });

  router.post('/admin/apps/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    await consoleChange(
      deps,
      ctx,
      `/admin/apps/${id}`,
      async (s, posted) => {
        const values = appFormValues(posted);
        const { client, client_secret } = await admin.clients.update(s.actor, id, appInput(values));
        if (client_secret) return secretPage(ctx, s, client, client_secret, 'changed');
        ctx.status = 303;
        ctx.redirect(`/admin/apps/${id}?done=saved`);
      },
      (s, posted, error) =>
        form(ctx, s, appFormValues(posted), {
          action: `/admin/apps/${id}`,
          app: { client_id: id },
          error,
        }),
    );
  });

  router.post('/admin/apps/:id/rotate-secret', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    await consoleChange(deps, ctx, `/admin/apps/${id}`, async (s) => {
      const { client_secret } = await admin.clients.rotateSecret(s.actor, id);
      secretPage(ctx, s, await admin.clients.show(id), client_secret, 'rotated');
    });
  });

  router.post('/admin/apps/:id/delete', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    await consoleChange(deps, ctx, `/admin/apps/${id}`, async (s) => {
      await admin.clients.remove(s.actor, id);
      ctx.status = 303;
      ctx.redirect('/admin/apps?done=deleted');
    });
  });
}
