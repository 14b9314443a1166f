import { createAccountRepository, type Account } from '../accounts/accountRepository.js';
import { emailSchema } from '../accounts/normalizeEmail.js';
import { createAppGroupLinks, type LinkedApp } from './appGroupLinks.js';
import { createCustomClaims } from '../groups/customClaims.js';
import { GroupError } from '../groups/groupError.js';
import { checkGroupName } from '../groups/groupName.js';
import { createGroupRepository, type Group } from '../groups/groupRepository.js';
import type { Store } from '../store/collection.js';
import type { Actor } from './actor.js';
import type { RecordAdminAction } from './adminAudit.js';

/** A group as every face shows it (SPEC.md §10): its name and its members' emails. */
export interface GroupView {
  name: string;
  members: string[];
}

/** `group show`: the group, its custom claims and the apps restricted to it. */
export interface GroupDetails extends GroupView {
  created: string;
  claims: Record<string, unknown>;
  apps: LinkedApp[];
}

/** Group, membership and custom-claim operations (SPEC.md §11); every change is audited. */
export interface GroupAdmin {
  list(): Promise<GroupView[]>;
  show(name: string): Promise<GroupDetails>;
  create(actor: Actor, name: string): Promise<GroupView>;
  /** Removes the group from its members and from apps' allowed lists, then deletes it. */
  remove(actor: Actor, name: string): Promise<{ name: string; apps: string[] }>;
  addMember(actor: Actor, name: string, email: string): Promise<GroupView>;
  removeMember(actor: Actor, name: string, email: string): Promise<GroupView>;
  /** The names of a person's groups. */
  groupsOf(email: string): Promise<string[]>;
  /** `value` is any JSON value (the CLI parses its argument with `parseClaimValue`). */
  setGroupClaim(actor: Actor, group: string, claim: string, value: unknown): Promise<void>;
  unsetGroupClaim(actor: Actor, group: string, claim: string): Promise<void>;
  setUserClaim(actor: Actor, email: string, claim: string, value: unknown): Promise<void>;
  unsetUserClaim(actor: Actor, email: string, claim: string): Promise<void>;
  /** A person's own custom claims. */
  userClaims(email: string): Promise<Record<string, unknown>>;
}

/** Builds the group operations over the store; `record` audits each change with its actor. */
export async function createGroupAdmin(
  store: Store,
  record: RecordAdminAction,
): Promise<GroupAdmin> {
  const [accounts, groups, claims, links] = await Promise.all([
    createAccountRepository(store),
    createGroupRepository(store),
    createCustomClaims(store),
    createAppGroupLinks(store),
  ]);

  const findGroup = async (name: string): Promise<Group> => {
    const group = await groups.findByName(checkGroupName(name));
    if (!group) throw new GroupError('not_found', `no group named ${name}`);
    return group;
  };
  const findAccount = async (email: string): Promise<Account> => {
    const parsed = emailSchema.safeParse(email);
    if (!parsed.success)
      throw new GroupError('invalid', `"${email.slice(0, 80)}" is not a valid email address`);
    const account = await accounts.findByEmail(parsed.data);
    if (!account) throw new GroupError('not_found', `no account with email ${parsed.data}`);
    return account;
  };
  const view = async (group: Group): Promise<GroupView> => {
    const ids = await groups.members(group);
    const found = await Promise.all(ids.map((id) => accounts.get(id)));
    const members = found.filter((a): a is Account => a !== undefined).map((a) => a.email);
    return { name: group.name, members };
  };
  const audit = (actor: Actor, detail: string, accountId?: string) =>
    record(actor, accountId ? { accountId, detail } : { detail });

  return {
    async list() {
      return Promise.all((await groups.list()).map(view));
    },
    async show(name) {
      const group = await findGroup(name);
      const [base, own, apps] = await Promise.all([
        view(group),
        claims.of(`group:${group.id}`),
        links.appsAllowing(group.name),
      ]);
      return { ...base, created: new Date(group.createdAt).toISOString(), claims: own, apps };
    },
    async create(actor, name) {
      const group = await groups.create(checkGroupName(name));
      if (!group) throw new GroupError('exists', `a group named ${name} already exists`);
      await audit(actor, `group ${name} created`);
      return { name, members: [] };
    },
    async remove(actor, name) {
      const group = await findGroup(name);
      const apps = await links.appsAllowing(group.name);
      const stranded = apps.filter((a) => a.allowed_groups.length === 1);
      if (stranded.length > 0) {
        // Taking an app's last group off its list would open the app to everyone.
        throw new GroupError(
          'conflict',
          `group ${name} is the only group allowed to use ${stranded
            .map((a) => `${a.client_name} (${a.client_id})`)
            .join(', ')}; give the app other allowed groups first, or clear its list on ` +
            'purpose (client update ID --no-allowed-groups)',
        );
      }
      const changed = await links.drop(group.name);
      await groups.delete(group);
      await claims.forget(`group:${group.id}`);
      await audit(actor, `group ${name} removed (and from ${changed.length} app(s))`);
      return { name, apps: changed };
    },
    async addMember(actor, name, email) {
      const group = await findGroup(name);
      const account = await findAccount(email);
      if (await groups.addMember(group, account.id))
        await audit(actor, `added to group ${name}`, account.id);
      return view(group);
    },
    async removeMember(actor, name, email) {
      const group = await findGroup(name);
      const account = await findAccount(email);
      if (!(await groups.removeMember(group, account.id)))
        throw new GroupError('not_found', `${account.email} is not a member of ${name}`);
      await audit(actor, `removed from group ${name}`, account.id);
      return view(group);
    },
    async groupsOf(email) {
      const account = await findAccount(email);
      return (await groups.groupsOf(account.id)).map((g) => g.name);
    },
    async setGroupClaim(actor, name, claim, value) {
      const group = await findGroup(name);
      await claims.set(`group:${group.id}`, claim, value);
      await audit(actor, `claim ${claim} set on group ${name}`);
    },
    async unsetGroupClaim(actor, name, claim) {
      const group = await findGroup(name);
      if (!(await claims.unset(`group:${group.id}`, claim)))
        throw new GroupError('not_found', `group ${name} has no claim ${claim}`);
      await audit(actor, `claim ${claim} removed from group ${name}`);
    },
    async setUserClaim(actor, email, claim, value) {
      const account = await findAccount(email);
      await claims.set(`account:${account.id}`, claim, value);
      await audit(actor, `claim ${claim} set`, account.id);
    },
    async unsetUserClaim(actor, email, claim) {
      const account = await findAccount(email);
      if (!(await claims.unset(`account:${account.id}`, claim)))
        throw new GroupError('not_found', `${account.email} has no claim ${claim}`);
      await audit(actor, `claim ${claim} removed`, account.id);
    },
    async userClaims(email) {
      const account = await findAccount(email);
      return claims.of(`account:${account.id}`);
    },
  };
}
