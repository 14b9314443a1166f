import type Router from '@koa/router';
import { z } from 'zod';
import { readBody } from '../../http/readBody.js';
import { validate } from '../../http/validate.js';
import type { Actor } from '../actor.js';
import type { AdminService } from '../adminService.js';

const groupName = z.string().max(64);
const emails = z.array(z.string().max(254)).max(1000);
const createSchema = z.object({ name: groupName, members: emails.optional() }).strict();
const patchSchema = z.object({ members: emails }).strict();

/** `/admin/api/groups[/:id]` (id = the group's name): list, create (201), read, set members, delete. */
export function groupsApi(router: Router, admin: AdminService): void {
  const actor = (state: { actor?: Actor }) => state.actor as Actor;
  const view = async (name: string) => {
    const { members } = await admin.groups.show(name);
    return { name, members };
  };

  router.get('/admin/api/groups', async (ctx) => {
    ctx.body = await admin.groups.list();
  });

  router.post('/admin/api/groups', async (ctx) => {
    const body = await readBody(ctx, 'json', createSchema);
    const by = actor(ctx.state);
    const created = await admin.groups.create(by, body.name);
    for (const email of body.members ?? []) await admin.groups.addMember(by, created.name, email);
    ctx.status = 201;
    ctx.set('Location', `/admin/api/groups/${created.name}`);
    ctx.body = await view(created.name);
  });

  router.get('/admin/api/groups/:id', async (ctx) => {
    ctx.body = await view(validate(groupName, ctx.params.id));
  });

  router.patch('/admin/api/groups/:id', async (ctx) => {
    const name = validate(groupName, ctx.params.id);
    const { members } = await readBody(ctx, 'json', patchSchema);
    const by = actor(ctx.state);
    const current = await view(name);
    const wanted = new Set(members.map((m) => m.trim().toLowerCase()));
    // Adds first: a refused (unknown) email stops the change before anyone is removed.
    for (const email of wanted)
      if (!current.members.includes(email)) await admin.groups.addMember(by, name, email);
    for (const email of current.members)
      if (!wanted.has(email)) await admin.groups.removeMember(by, name, email);
    ctx.body = await view(name);
  });

  router.delete('/admin/api/groups/:id', async (ctx) => {
    await admin.groups.remove(actor(ctx.state), validate(groupName, ctx.params.id));
    ctx.status = 204;
  });
}
