import { randomBytes } from 'node:crypto';
import {
  DuplicateKeyError,
  type CollectionSpec,
  type Doc,
  type Store,
} from '../store/collection.js';

/** A group. `id` is random and never reused, so a recreated name starts empty. */
export interface Group extends Doc {
  name: string;
  createdAt: number;
}

/** One person in one group; the id `groupId:accountId` makes a membership unique. */
export interface Membership extends Doc {
  groupId: string;
  accountId: string;
  addedAt: number;
}

/** Groups (unique `name`) and memberships (indexed both ways), in both engines alike. */
export interface GroupRepository {
  /** Creates the group; `undefined` when the name is taken. */
  create(name: string): Promise<Group | undefined>;
  findByName(name: string): Promise<Group | undefined>;
  /** Every group, by name. */
  list(): Promise<Group[]>;
  /** Deletes the group and its memberships; `false` if it was already gone. */
  delete(group: Group): Promise<boolean>;
  /** `true` if the person was added, `false` if already a member. */
  addMember(group: Group, accountId: string): Promise<boolean>;
  /** `true` if the person was a member. */
  removeMember(group: Group, accountId: string): Promise<boolean>;
  /** Account ids of the members, in the order they were added. */
  members(group: Group): Promise<string[]>;
  /** The groups an account belongs to, by name (memberships of deleted groups are ignored). */
  groupsOf(accountId: string): Promise<Group[]>;
  /** Removes every membership of an account (when the account goes). */
  forgetAccount(accountId: string): Promise<number>;
}

const GROUPS_SPEC: CollectionSpec = { name: 'groups', unique: ['name'] };
const MEMBERS_SPEC: CollectionSpec = { name: 'group_members', indexed: ['groupId', 'accountId'] };
/** The collections' layouts, for backups. */
export const GROUP_SPECS: readonly CollectionSpec[] = [GROUPS_SPEC, MEMBERS_SPEC];

const byName = (a: Group, b: Group) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Opens the `groups` and `group_members` collections. */
export async function createGroupRepository(store: Store): Promise<GroupRepository> {
  const [groups, members] = await Promise.all([
    store.collection<Group>(GROUPS_SPEC),
    store.collection<Membership>(MEMBERS_SPEC),
  ]);
  const membershipId = (group: Group, accountId: string) => `${group.id}:${accountId}`;
  return {
    async create(name) {
      const group: Group = {
        id: randomBytes(12).toString('base64url'),
        name,
        createdAt: Date.now(),
      };
      try {
        await groups.insert(group);
      } catch (err) {
        if (err instanceof DuplicateKeyError) return undefined;
        throw err;
      }
      return group;
    },
    findByName: (name) => groups.findOne('name', name),
    async list() {
      const out: Group[] = [];
      for await (const group of groups.all()) out.push(group);
      return out.sort(byName);
    },
    async delete(group) {
      // The group first: from then on its memberships count for nothing (ids are never reused).
      const deleted = await groups.delete(group.id);
      await members.deleteMany('groupId', group.id);
      return deleted;
    },
    async addMember(group, accountId) {
      try {
        await members.insert({
          id: membershipId(group, accountId),
          groupId: group.id,
          accountId,
          addedAt: Date.now(),
        });
        return true;
      } catch (err) {
        if (err instanceof DuplicateKeyError) return false;
        throw err;
      }
    },
    removeMember: (group, accountId) => members.delete(membershipId(group, accountId)),
    async members(group) {
      const list = await members.list('groupId', group.id);
      return list.sort((a, b) => a.addedAt - b.addedAt).map((m) => m.accountId);
    },
    async groupsOf(accountId) {
      const list = await members.list('accountId', accountId);
      const found = await Promise.all(list.map((m) => groups.get(m.groupId)));
      return found.filter((g): g is Group => g !== undefined).sort(byName);
    },
    forgetAccount: (accountId) => members.deleteMany('accountId', accountId),
  };
}
