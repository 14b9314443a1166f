import type { Account } from '../accounts/accountRepository.js';
import type { AccountDeps } from './accountDeps.js';
import { authenticatorName } from '../passkeys/authenticatorName.js';
import { connectedApps } from './connectedApps.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * Everything Sesame keeps about a person, for "Download my data": the account, passkeys
 * (never the public key's private half, which Sesame never has), groups, connected apps and
 * the activity log. One JSON object with exactly these five keys.
 */
export async function accountData(
  deps: Pick<AccountDeps, 'credentials' | 'audit' | 'store' | 'provider' | 'groupsOf'>,
  account: Account,
): Promise<Record<'account' | 'passkeys' | 'groups' | 'apps' | 'activity', unknown>> {
  const [credentials, events, apps, groups] = await Promise.all([
    deps.credentials.forAccount(account.id),
    deps.audit.forAccount(account.id, 10_000),
    connectedApps(deps.store, account.id),
    deps.groupsOf(account.id),
  ]);
  return {
    account: {
      sub: account.id,
      email: account.email,
      emailVerified: account.emailVerified,
      name: account.name,
      createdAt: iso(account.createdAt),
    },
    passkeys: credentials.map((c) => ({
      id: c.id,
      name: c.name,
      authenticator: authenticatorName(c.aaguid, undefined),
      aaguid: c.aaguid,
      synced: c.backupEligible,
      transports: c.transports,
      publicKey: c.publicKey,
      createdAt: iso(c.createdAt),
      lastUsedAt: iso(c.lastUsedAt),
    })),
    groups,
    apps: await Promise.all(
      apps.map(async (app) => {
        const client = await deps.provider.Client.find(app.clientId).catch(() => undefined);
        return {
          clientId: app.clientId,
          name: client?.clientName ?? null,
          scopes: app.scopes,
          connectedAt: iso(app.since),
        };
      }),
    ),
    activity: events.map((e) => ({
      type: e.type,
      at: iso(e.at),
      ...(e.clientId ? { clientId: e.clientId } : {}),
      ...(e.credentialId ? { passkeyId: e.credentialId } : {}),
      ...(e.ip ? { ip: e.ip } : {}),
      ...(e.userAgent ? { userAgent: e.userAgent } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
    })),
  };
}
