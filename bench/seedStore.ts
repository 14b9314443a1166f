import { randomBytes } from 'node:crypto';
import { createAccountRepository, newAccountId } from '../src/accounts/accountRepository.js';
import { createAuditLog } from '../src/accounts/auditLog.js';
import { adminActionRecorder } from '../src/admin/adminAudit.js';
import { createClientAdmin } from '../src/admin/clientAdmin.js';
import { createCredentialRepository } from '../src/passkeys/credentialRepository.js';
import type { Store } from '../src/store/collection.js';
import { SoftAuthenticator } from '../test/support/softAuthenticator.js';

/** One virtual user of the load generator: an account and the authenticator holding its passkey. */
export interface VirtualUser {
  accountId: string;
  email: string;
  authenticator: SoftAuthenticator;
  /** Set by the refresh/introspection set-up. */
  refreshToken?: string;
  accessToken?: string;
}

/** The registered relying party the bench signs in to. */
export interface BenchClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/**
 * Fills a fresh store straight through the repositories (no UI): a first-party confidential
 * client, and `accounts` accounts each with one ES256 passkey made by a software authenticator.
 * The first `users` of them are returned with their authenticators; the rest only make the
 * store realistically sized.
 */
export async function seedStore(
  store: Store,
  options: { issuer: string; accounts: number; users: number },
): Promise<{ client: BenchClient; users: VirtualUser[] }> {
  const clients = await createClientAdmin(store, adminActionRecorder(await createAuditLog(store)));
  const added = await clients.add(
    { kind: 'cli' },
    {
      name: 'Bench App',
      redirectUris: [REDIRECT_URI],
      firstParty: true,
    },
  );
  if (!added.client_secret) throw new Error('expected a confidential client');
  const accounts = await createAccountRepository(store);
  const credentials = await createCredentialRepository(store);
  const rpId = new URL(options.issuer).hostname;
  const users: VirtualUser[] = [];
  const total = Math.max(options.accounts, options.users);
  for (let i = 0; i < total; i++) {
    const accountId = newAccountId();
    const email = `bench-${i}@example.com`;
    const authenticator = new SoftAuthenticator({ origin: options.issuer });
    authenticator.createCredential({
      rp: { id: rpId, name: 'Sesame' },
      user: {
        id: Buffer.from(accountId, 'utf8').toString('base64url'),
        name: email,
        displayName: `Bench User ${i}`,
      },
      challenge: randomBytes(32).toString('base64url'),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const held = authenticator.credentials[0];
    if (!held) throw new Error('the software authenticator made no credential');
    const now = Date.now();
    await credentials.insert({
      id: held.id,
      accountId,
      publicKey: Buffer.from(held.publicKey).toString('base64url'),
      counter: held.counter,
      transports: ['internal', 'hybrid'],
      aaguid: held.aaguid,
      backupEligible: held.backupEligible,
      backupState: held.backupState,
      createdAt: now,
      name: 'Passkey',
    });
    await accounts.insert({
      id: accountId,
      email,
      name: `Bench User ${i}`,
      emailVerified: true,
      createdAt: now,
    });
    if (i < options.users) users.push({ accountId, email, authenticator });
  }
  return {
    client: {
      clientId: added.client_id,
      clientSecret: added.client_secret,
      redirectUri: REDIRECT_URI,
    },
    users,
  };
}
