import type { AuditFilter, AuditLog } from '../accounts/auditLog.js';
import { eventView, type EventView } from './peopleViews.js';

/** One page of the audit trail. */
export interface ActivityPage {
  events: EventView[];
  total: number;
  page: number;
  pageSize: number;
}

/** Reading the audit trail: every event, newest first, filtered and paginated. */
export interface ActivityAdmin {
  list(filter: AuditFilter, page?: number, pageSize?: number): Promise<ActivityPage>;
}

/** The page size the console uses. */
export const ACTIVITY_PAGE_SIZE = 50;

export function createActivityAdmin(audit: AuditLog): ActivityAdmin {
  return {
    async list(filter, page = 1, pageSize = ACTIVITY_PAGE_SIZE) {
      const size = Math.min(Math.max(1, Math.floor(pageSize)), 200);
      const current = Math.max(1, Math.floor(page));
      const { events, total } = await audit.list(filter, {
        offset: (current - 1) * size,
        limit: size,
      });
      return { events: events.map(eventView), total, page: current, pageSize: size };
    },
  };
}
