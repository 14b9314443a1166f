import { createAccountRepository } from '../accounts/accountRepository.js';
import { createAuditLog } from '../accounts/auditLog.js';
import { createRecoveryTokens } from '../accounts/recoveryTokens.js';
import type { Renderer } from '../http/renderer.js';
import type { Mailer } from '../mail/mailer.js';
import { endAccountSessions, type EndedSessions } from '../oidc/accountSessions.js';
import { createCredentialRepository } from '../passkeys/credentialRepository.js';
import type { Store } from '../store/collection.js';
import { createActivityAdmin, type ActivityAdmin } from './activityAdmin.js';
import { adminActionRecorder } from './adminAudit.js';
import { createClientAdmin, type ClientAdmin } from './clientAdmin.js';
import { createCustomClaims } from '../groups/customClaims.js';
import { forgetPerson } from '../groups/forgetPerson.js';
import { createGroupRepository } from '../groups/groupRepository.js';
import { createGroupAdmin, type GroupAdmin } from './groupAdmin.js';
import { createPeopleAdmin, type PeopleAdmin } from './peopleAdmin.js';
import { createTokenAdmin, type TokenAdmin } from './tokenAdmin.js';

/** What the admin service needs; the CLI builds it from the same configuration as the server. */
export interface AdminServiceDeps {
  store: Store;
  issuer: string;
  rpName: string;
  mailer: Mailer;
  renderer: Renderer;
  /**
   * Ends an account's sessions, grants and tokens. The server passes one that also sends
   * back-channel logout; by default (the CLI) they end in the store only.
   */
  endSessions?(accountId: string): Promise<EndedSessions>;
  /** Recorded as the user agent of changes made from the command line. */
  cliUser?: string;
}

/**
 * The one place for operator rules (SPEC.md §3, §10): apps, people, API tokens and the audit
 * trail. The CLI, the console and the JSON API only parse input, call it and show the result;
 * every change takes the actor and records the audit event itself.
 */
export interface AdminService {
  clients: ClientAdmin;
  people: PeopleAdmin;
  groups: GroupAdmin;
  tokens: TokenAdmin;
  activity: ActivityAdmin;
}

export async function createAdminService(deps: AdminServiceDeps): Promise<AdminService> {
  const { store } = deps;
  const [accounts, credentials, audit, recoveryTokens] = await Promise.all([
    createAccountRepository(store),
    createCredentialRepository(store),
    createAuditLog(store),
    createRecoveryTokens(store),
  ]);
  const record = adminActionRecorder(audit, deps.cliUser);
  const groups = await createGroupRepository(store);
  const claims = await createCustomClaims(store);
  return {
    clients: await createClientAdmin(store, record),
    people: createPeopleAdmin({
      accounts,
      credentials,
      audit,
      recoveryTokens,
      record,
      groupsOf: async (accountId) => (await groups.groupsOf(accountId)).map((g) => g.name),
      forgetGroups: (accountId) => forgetPerson(groups, claims, accountId),
      endSessions: deps.endSessions ?? ((id) => endAccountSessions(store, id)),
      issuer: deps.issuer,
      rpName: deps.rpName,
      mailer: deps.mailer,
      renderer: deps.renderer,
    }),
    groups: await createGroupAdmin(store, record),
    tokens: await createTokenAdmin(store, audit, record),
    activity: createActivityAdmin(audit),
  };
}
