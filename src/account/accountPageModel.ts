import type { AuditEvent, AuditType } from '../accounts/auditLog.js';
import type { StoredCredential } from '../passkeys/credentialRepository.js';
import { ACCOUNT_CLIENT_ID } from './accountClient.js';
import type { AccountDeps } from './accountDeps.js';
import { authenticatorName, knownAaguid } from './authenticatorName.js';
import { listSessions } from './accountSessions.js';
import { connectedApps } from './connectedApps.js';
import { describeUserAgent } from '../http/describeUserAgent.js';
import type { AccountSession } from './loadAccountSession.js';
import { maskIp } from './maskIp.js';

/** What each scope lets an app see, in words (as on the consent page). */
const SCOPE_WORDS: Record<string, string> = {
  openid: 'Know who you are when you sign in',
  email: 'See your email address',
  profile: 'See your name',
  offline_access: 'Stay connected when you are not using it',
};

/** The activity list's wording; other event types are not shown to the person. */
const ACTIVITY: Partial<Record<AuditType, string>> = {
  signup: 'Account created',
  signin: 'Signed in',
  signin_failed: 'Sign-in attempt failed',
  passkey_added: 'Passkey added',
  passkey_removed: 'Passkey deleted',
  passkey_renamed: 'Passkey renamed',
  counter_regression: 'A possibly copied passkey was refused',
  recovery_requested: 'Recovery link requested',
  recovery_used: 'Recovered with an email link',
  app_revoked: 'App disconnected',
  signed_out_everywhere: 'Signed out everywhere',
  admin_action: 'Changed by an administrator',
};

/**
 * A time for people: `2025-05-01 14:03 UTC`, with the ISO form for `<time datetime>`; the
 * page's script rewrites it in the reader's own time zone.
 */
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
 * connected apps with their scopes in words, the session count and recent activity.
 */
export async function accountPageModel(
  deps: AccountDeps,
  session: AccountSession,
  recent: boolean,
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
    if (clientId === ACCOUNT_CLIENT_ID) return 'This account page';
    if (!names.has(clientId)) {
      const client = await deps.provider.Client.find(clientId).catch(() => undefined);
      names.set(clientId, client?.clientName ?? 'An app that was removed');
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
    warnings.push(
      'You have only one passkey. If you lose it, you will need an email recovery link to get back in. Add a second passkey on another device or a security key.',
    );
  } else if (allSynced && providers.size === 1) {
    const provider = passkeys[0]?.authenticator ?? 'one provider';
    warnings.push(
      `All your passkeys are synced by ${provider}. If you lose access to that account, you lose them all. Add a security key or a passkey from another provider.`,
    );
  }
  const activity = await Promise.all(
    events
      .filter((e): e is AuditEvent & { type: keyof typeof ACTIVITY } => e.type in ACTIVITY)
      .slice(0, 20)
      .map(async (e) => ({
        what: ACTIVITY[e.type],
        at: when(e.at),
        app: await clientName(e.clientId),
        browser: describeUserAgent(e.userAgent),
        location: maskIp(e.ip),
      })),
  );
  return {
    title: 'Your account',
    account: { name: account.name, email: account.email },
    passkeys,
    warnings,
    apps: await Promise.all(
      apps.map(async (app) => ({
        clientId: app.clientId,
        name: await clientName(app.clientId),
        access: app.scopes.filter((s) => SCOPE_WORDS[s]).map((s) => SCOPE_WORDS[s]),
        since: when(app.since),
      })),
    ),
    sessions: sessions.map((s) => ({ ...s, since: when(s.since) })),
    activity,
    recent,
  };
}
