import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving a request carries. */
export interface RequestContext {
  reqId: string;
}

/**
 * The request being served, for the logger's mixin: any module that logs during a request
 * (the mailer, oidc-provider event handlers, …) gets the request id on its lines without
 * being handed a request-bound logger.
 */
export const requestContext = new AsyncLocalStorage<RequestContext>();
