import type { AuditEvent, AuditType } from '../accounts/auditLog.js';
import { scopeMessageKeys } from '../i18n/scopeMessages.js';
import type { StoredCredential } from '../passkeys/credentialRepository.js';
import { ACCOUNT_CLIENT_ID } from './accountClient.js';
import type { AccountDeps } from './accountDeps.js';
import { authenticatorName, knownAaguid } from '../passkeys/authenticatorName.js';
import { listSessions } from './accountSessions.js';
import { connectedApps } from './connectedApps.js';
import { describeUserAgent } from '../http/describeUserAgent.js';
import type { AccountSession } from './loadAccountSession.js';
import { maskIp } from './maskIp.js';

/** A catalogue lookup in the page's language. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The activity list's wording (catalogue keys); other event types are not shown. */
const ACTIVITY: Partial<Record<AuditType, string>> = {
  signup: 'account.event.signup',
  signin: 'account.event.signin',
  signin_failed: 'account.event.signin_failed',
  passkey_added: 'account.event.passkey_added',
  passkey_removed: 'account.event.passkey_removed',
  passkey_renamed: 'account.event.passkey_renamed',
  counter_regression: 'account.event.counter_regression',
  recovery_requested: 'account.event.recovery_requested',
  recovery_used: 'account.event.recovery_used',
  app_revoked: 'account.event.app_revoked',
  signed_out_everywhere: 'account.event.signed_out_everywhere',
  admin_action: 'account.event.admin_action',
  device_connected: 'account.event.device_connected',
  device_refused: 'account.event.device_refused',
  name_changed: 'account.event.name_changed',
  email_change_requested: 'account.event.email_change_requested',
  email_changed: 'account.event.email_changed',
  session_signed_out: 'account.event.session_signed_out',
};

/** A time for people: `2025-05-01 14:03 UTC`, with the ISO form for `<time datetime>`. */
export function when(ms: number | undefined): { iso: string; text: string } | undefined {
  if (ms === undefined) return undefined;
  const iso = new Date(ms).toISOString();
  return { iso, text: `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` };
}

/** The browser and system a passkey was created on, stored when added on the account page. */
export function createdOn(c: StoredCredential): string | undefined {
  return typeof c.createdWith === 'string' ? c.createdWith : undefined;
}

/**
 * Builds the account page's view model: passkeys (authenticator name, kind, dates, warnings),
 * connected apps with their scopes in words, the session count and recent activity, worded
 * with `t` in the page's language.
 */
export async function accountPageModel(
  deps: AccountDeps,
  session: AccountSession,
  recent: boolean,
  t: Translate,
): Promise<Record<string, unknown>> {
  const { account } = session;
  const [credentials, events, apps, sessions] = await Promise.all([
    deps.credentials.forAccount(account.id),
    deps.audit.forAccount(account.id, 200),
    connectedApps(deps.store, account.id),
    listSessions(deps, account.id, session.uid),
  ]);
  const names = new Map<string, string>();
  const clientName = async (clientId: string | undefined): Promise<string | undefined> => {
    if (!clientId) return undefined;
    if (clientId === ACCOUNT_CLIENT_ID) return t('account.thisPage');
    if (!names.has(clientId)) {
      const client = await deps.provider.Client.find(clientId).catch(() => undefined);
      names.set(clientId, client?.clientName ?? t('account.removedApp'));
    }
    return names.get(clientId);
  };
  // Passkeys made at sign-up or recovery have no stored browser; their audit event has one.
  const addedWith = new Map<string, string | undefined>();
  for (const e of events) {
    if (e.type === 'passkey_added' && e.credentialId)
      addedWith.set(e.credentialId, describeUserAgent(e.userAgent));
  }
  const passkeys = credentials
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((c) => ({
      id: c.id,
      name: c.name,
      authenticator: authenticatorName(c.aaguid, createdOn(c) ?? addedWith.get(c.id)),
      synced: c.backupEligible,
      created: when(c.createdAt),
      lastUsed: when(c.lastUsedAt),
    }));
  const providers = new Set(credentials.map((c) => (knownAaguid(c.aaguid) ? c.aaguid : 'unknown')));
  const allSynced = credentials.length > 1 && credentials.every((c) => c.backupEligible);
  const warnings: string[] = [];
  if (credentials.length === 1) {
    warnings.push(t('account.onlyOnePasskey'));
  } else if (allSynced && providers.size === 1) {
    warnings.push(t('account.allSynced', { provider: passkeys[0]?.authenticator ?? '' }));
  }
  const activity = await Promise.all(
    events
      .filter((e): e is AuditEvent & { type: keyof typeof ACTIVITY } => e.type in ACTIVITY)
      .slice(0, 20)
      .map(async (e) => ({
        what: t(ACTIVITY[e.type] ?? ''),
        at: when(e.at),
        app: await clientName(e.clientId),
        browser: describeUserAgent(e.userAgent),
        location: maskIp(e.ip),
      })),
  );
  return {
    title: t('account.title'),
    account: { name: account.name, email: account.email },
    passkeys,
    warnings,
    apps: await Promise.all(
      apps.map(async (app) => ({
        clientId: app.clientId,
        name: await clientName(app.clientId),
        access: scopeMessageKeys(app.scopes).map((key) => t(key)),
        since: when(app.since),
      })),
    ),
    sessions: sessions.map((s) => ({ ...s, since: when(s.since) })),
    activity,
    recent,
  };
}
