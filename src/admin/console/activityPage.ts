import type Router from '@koa/router';
import { z } from 'zod';
import type { AuditType } from '../../accounts/auditLog.js';
import { validate } from '../../http/validate.js';
import { consoleModel } from './consoleChange.js';
import type { ConsoleDeps } from './consoleDeps.js';
import { loadAdminSession } from './consoleSession.js';

/** The kinds the filter offers. */
export const KINDS: AuditType[] = [
  'signup',
  'signin',
  'signin_failed',
  'passkey_added',
  'passkey_removed',
  'passkey_renamed',
  'counter_regression',
  'recovery_requested',
  'recovery_used',
  'app_revoked',
  'signed_out_everywhere',
  'admin_action',
  'api_token_used',
];

const filterQuery = z.object({
  person: z.string().max(254).optional(),
  app: z.string().max(200).optional(),
  kind: z.enum(KINDS as [AuditType, ...AuditType[]]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
});

/** Activity: every audit event, newest first, filtered by person, app and kind, paginated. */
export function activityPage(router: Router, deps: ConsoleDeps): void {
  router.get('/admin/activity', async (ctx) => {
    const s = await loadAdminSession(deps, ctx);
    if (!s) return;
    const q = validate(filterQuery, {
      person: ctx.query.person || undefined,
      app: ctx.query.app || undefined,
      kind: ctx.query.kind || undefined,
      page: ctx.query.page || undefined,
    });
    let accountId: string | undefined;
    let unknownPerson = false;
    if (q.person) {
      const found = await deps.admin.people
        .get(q.person.includes('@') ? { email: q.person } : { id: q.person })
        .catch(() => undefined);
      accountId = found?.id;
      unknownPerson = !found;
    }
    const result = unknownPerson
      ? { events: [], total: 0, page: 1, pageSize: 50 }
      : await deps.admin.activity.list(
          {
            ...(accountId ? { accountId } : {}),
            ...(q.app ? { clientId: q.app } : {}),
            ...(q.kind ? { type: q.kind } : {}),
          },
          q.page ?? 1,
        );
    const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
    const link = (page: number) =>
      `/admin/activity?${new URLSearchParams({ ...(q.person ? { person: q.person } : {}), ...(q.app ? { app: q.app } : {}), ...(q.kind ? { kind: q.kind } : {}), page: String(page) })}`;
    deps.renderer.page(ctx, 'admin/activity', {
      ...consoleModel(ctx, s, 'activity'),
      filter: q,
      kinds: KINDS,
      events: result.events,
      total: result.total,
      page: result.page,
      pages,
      previous: result.page > 1 ? link(result.page - 1) : undefined,
      next: result.page < pages ? link(result.page + 1) : undefined,
    });
  });
}
