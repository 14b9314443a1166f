import type { Context } from 'koa';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from '../accounts/auditLog.js';
import type { Limits, RateLimiter } from '../http/rateLimiter.js';
import type { Renderer } from '../http/renderer.js';
import type { Logger } from '../log/createLogger.js';
import { formatUserCode } from './formatUserCode.js';

/** oidc-provider's `features.deviceFlow` configuration. */
export type DeviceFlowFeature = NonNullable<NonNullable<Configuration['features']>['deviceFlow']>;

/** What the device pages need, handed over by the composition root. */
export interface DeviceFlowDeps {
  renderer: Renderer;
  limiter: RateLimiter;
  limits: Pick<Limits, 'deviceCodePerIp'>;
  audit: AuditLog;
  logger: Logger;
}

/** How long a device's user code can be entered (SPEC.md §14: 10 minutes). */
export const DEVICE_CODE_TTL_SECONDS = 600;

/** The rate-limit key of wrong user codes from one client address. */
export const deviceCodeKey = (ip: string): string => `device:ip:${ip}`;

/** oidc-provider's re-render errors (by name) and the message (`locales/`) each shows. */
const PROBLEMS: Record<string, string> = {
  NoCodeError: 'device.noCode',
  NotFoundError: 'device.wrongCode',
  ExpiredError: 'device.expired',
  AlreadyUsedError: 'device.used',
  AbortedError: 'device.aborted',
};

/**
 * The device authorization grant (RFC 8628) on Sesame's pages: `/device` ("Connect a device")
 * takes the code (typed, or pre-filled from `verification_uri_complete` by {@link deviceCodeGuard}),
 * wrong codes count against the address's limit, and the done page is audited. User codes are
 * 8 letters from a 20-consonant alphabet (no vowels, no look-alikes) and live 10 minutes.
 */
export function deviceFlowFeature(deps: DeviceFlowDeps): DeviceFlowFeature {
  return {
    enabled: true,
    charset: 'base-20',
    mask: '****-****',
    async userCodeInputSource(ctx, _form, _out, err) {
      if (err?.name === 'NotFoundError') {
        (ctx.state.log ?? deps.logger).info('device: wrong user code');
        await deps.limiter.hit(deviceCodeKey(ctx.ip), deps.limits.deviceCodePerIp);
      }
      const name = err?.name ?? '';
      const problem = PROBLEMS[name] ?? (err ? 'device.failed' : undefined);
      if (err && !PROBLEMS[name]) (ctx.state.log ?? deps.logger).warn({ err }, 'device flow error');
      if (name === 'AbortedError') await auditDenied(deps, ctx);
      const prefill = (ctx.state.deviceUserCode as string | undefined) ?? readUserCode(err);
      ctx.status = err && name !== 'AbortedError' ? 400 : 200;
      render(deps, ctx, 'device', {
        xsrf: ctx.oidc.session?.state?.secret,
        userCode: name === 'ExpiredError' || name === 'AlreadyUsedError' ? '' : prefill,
        problem,
      });
    },
    // The input form posts `confirm=yes`, so this runs only for a hand-made post without it:
    // show the same form again, now with the code, and let the person continue.
    userCodeConfirmSource(ctx, _form, _client, _deviceInfo, userCode) {
      render(deps, ctx, 'device', { xsrf: ctx.oidc.session?.state?.secret, userCode });
    },
    async successSource(ctx) {
      const client = ctx.oidc.client;
      const accountId = ctx.oidc.session?.accountId;
      if (accountId) {
        await deps.audit.record({
          type: 'device_connected',
          accountId,
          clientId: client?.clientId,
          ip: ctx.ip,
          userAgent: ctx.get('User-Agent').slice(0, 256),
          detail: `code ${formatUserCode(String(ctx.oidc.entities.DeviceCode?.userCode ?? ''))}`,
        });
      }
      render(deps, ctx, 'deviceDone', { clientName: client?.clientName ?? client?.clientId });
    },
  };
}

async function auditDenied(deps: DeviceFlowDeps, ctx: KoaContextWithOIDC): Promise<void> {
  const accountId = ctx.oidc.session?.accountId;
  if (!accountId) return;
  await deps.audit.record({
    type: 'device_refused',
    accountId,
    clientId: ctx.oidc.entities.DeviceCode?.clientId,
    ip: ctx.ip,
    userAgent: ctx.get('User-Agent').slice(0, 256),
  });
}

function readUserCode(err: unknown): string | undefined {
  const code = (err as { userCode?: unknown } | undefined)?.userCode;
  return typeof code === 'string' ? code.slice(0, 32) : undefined;
}

function render(
  deps: DeviceFlowDeps,
  ctx: KoaContextWithOIDC,
  view: string,
  model: Record<string, unknown>,
): void {
  ctx.set('Cache-Control', 'no-store');
  deps.renderer.page(ctx as unknown as Context, view, model);
}
