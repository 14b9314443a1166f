import type Router from '@koa/router';
import { readBody } from '../../http/readBody.js';
import { validate } from '../../http/validate.js';
import type { Actor } from '../actor.js';
import type { AdminService } from '../adminService.js';
import { invalidInput } from '../adminErrors.js';
import {
  clientCreateSchema,
  clientInputFromApi,
  clientPatchSchema,
  idParam,
} from './apiSchemas.js';

/** `/admin/api/clients[/:id]`: list, create (201), read, change, delete (204), rotate the secret. */
export function clientsApi(router: Router, admin: AdminService): void {
  const actor = (state: { actor?: Actor }) => state.actor as Actor;

  router.get('/admin/api/clients', async (ctx) => {
    ctx.body = await admin.clients.list();
  });

  router.post('/admin/api/clients', async (ctx) => {
    const body = await readBody(ctx, 'json', clientCreateSchema);
    const input = clientInputFromApi(body);
    if (!input.name) throw invalidInput('client_name: enter a name', 'invalid_client_metadata');
    const created = await admin.clients.add(actor(ctx.state), { ...input, name: input.name });
    ctx.status = 201;
    ctx.set('Location', `/admin/api/clients/${created.client_id}`);
    ctx.body = { ...(await admin.clients.show(created.client_id)), ...created };
  });

  router.get('/admin/api/clients/:id', async (ctx) => {
    ctx.body = await admin.clients.show(validate(idParam, ctx.params.id));
  });

  router.patch('/admin/api/clients/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    const body = await readBody(ctx, 'json', clientPatchSchema);
    const { client, client_secret } = await admin.clients.update(
      actor(ctx.state),
      id,
      clientInputFromApi(body),
    );
    ctx.body = client_secret ? { ...client, client_secret } : client;
  });

  router.delete('/admin/api/clients/:id', async (ctx) => {
    await admin.clients.remove(actor(ctx.state), validate(idParam, ctx.params.id));
    ctx.status = 204;
  });

  router.post('/admin/api/clients/:id/rotate-secret', async (ctx) => {
    const id = validate(idParam, ctx.params.id);
    const { client_secret } = await admin.clients.rotateSecret(actor(ctx.state), id);
    ctx.body = { ...(await admin.clients.show(id)), client_secret };
  });
}
