import type Router from '@koa/router';
import { z } from 'zod';
import { readBody } from '../../http/readBody.js';
import { validate } from '../../http/validate.js';
import type { Actor } from '../actor.js';
import type { AdminService } from '../adminService.js';
import type { UserSummary } from '../peopleViews.js';
import { idParam, userPatchSchema } from './apiSchemas.js';

/** A person as the API shows them (SPEC.md §10). */
export interface ApiUser {
  id: string;
  email: string;
  name: string;
  disabled: boolean;
  admin: boolean;
  groups: string[];
  created: string;
}

const searchQuery = z.object({ search: z.string().max(254).optional() });

/** `/admin/api/users[/:id]`: list (with `?search=`), read, change, delete, a recovery link. */
export function usersApi(router: Router, admin: AdminService): void {
  const actor = (state: { actor?: Actor }) => state.actor as Actor;
  const view = async (u: UserSummary): Promise<ApiUser> => ({
    id: u.id,
    email: u.email,
    name: u.name,
    disabled: u.disabled,
    admin: u.admin,
    groups: await admin.people.groupsOf(u.id),
    created: u.createdAt,
  });

  router.get('/admin/api/users', async (ctx) => {
    const { search } = validate(searchQuery, { search: ctx.query.search });
    ctx.body = await Promise.all((await admin.people.list(search)).map(view));
  });

  router.get('/admin/api/users/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    ctx.body = await view((await admin.people.show({ id })).account);
  });

  router.patch('/admin/api/users/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    const body = await readBody(ctx, 'json', userPatchSchema);
    const by = actor(ctx.state);
    if (body.disabled === true) await admin.people.disable(by, { id });
    if (body.disabled === false) await admin.people.enable(by, { id });
    if (body.admin === true) await admin.people.promote(by, { id });
    if (body.admin === false) await admin.people.demote(by, { id });
    ctx.body = await view((await admin.people.show({ id })).account);
  });

  router.delete('/admin/api/users/:id', async (ctx) => {
    await admin.people.remove(actor(ctx.state), { id: validate(idParam, ctx.params.id) });
    ctx.status = 204;
  });

  router.post('/admin/api/users/:id/recovery-link', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    ctx.body = await admin.people.issueRecoveryLink(actor(ctx.state), { id });
  });
}
