import { type Kysely, sql } from 'kysely';
import { parameters, PreparedQuery } from './prepared-query.ts';
import type { Filter } from '../scim/filter/ast.ts';
import { evaluateFilter } from '../scim/filter/evaluate.ts';
import { badRequest } from '../scim/messages/error.ts';
import type { MemberChange } from '../scim/patch/member-changes.ts';
import type { MemberInput } from '../scim/resource/member.ts';
import { coreGroupSchema } from '../scim/schema/core-group.ts';
import type { Database } from './database.ts';

/** A member as a group returns it: `display` is computed from the member's current name, never stored. */
export interface MemberRecord {
  value: string;
  type: 'User' | 'Group';
  display?: string;
}

/** A member as a membership change names it. */
export interface MemberKey {
  id: string;
  type: 'User' | 'Group';
}

export interface MembershipDelta {
  added: MemberKey[];
  removed: MemberKey[];
}

const memberAttributes = coreGroupSchema.attributes.find((a) => a.name === 'members')!.subAttributes!;

/**
 * Members read at a time when a whole group is read (a response's member list, a filtered remove): what a reader
 * holds is bounded by this, not by the group's size.
 */
export const MEMBER_CHUNK_SIZE = 1000;

type GroupRef = { group: string };
type MemberRef = { group: string; member: string };

/**
 * Group membership as rows. Every statement is a primary-key or index probe for one group and one member, so adding
 * one member to a 100,000-member group costs what it costs on a 10-member group, and nothing here ever depends on
 * the size of the directory.
 */
export class Membership {
  private readonly userIn: PreparedQuery<{ directory: string; id: string }, { id: string }>;
  private readonly groupIn: PreparedQuery<{ directory: string; id: string }, { id: string }>;
  private readonly present: PreparedQuery<MemberRef, { member_id: string }>;
  private readonly insert: PreparedQuery<{ group_id: string; member_id: string; directory_id: string; member_type: string; created_at: string }, unknown>;
  private readonly removeOne: PreparedQuery<MemberRef, { member_id: string; member_type: 'User' | 'Group' }>;
  private readonly removeEvery: PreparedQuery<GroupRef, { member_id: string; member_type: 'User' | 'Group' }>;
  private readonly membersAfter: PreparedQuery<
    GroupRef & { after: string; limit: number },
    { member_id: string; member_type: 'User' | 'Group'; display: string | null }
  >;
  private readonly groupsOfMember: PreparedQuery<{ member: string }, { id: string; display_name: string }>;
  private readonly leaveAll: PreparedQuery<{ member: string }, { group_id: string }>;

  /** `lock`: PostgreSQL, where other transactions run alongside; SQLite runs one writer at a time. */
  constructor(db: Kysely<Database>, lock: boolean) {
    // `id = ?` first: the primary key answers it, whatever the planner thinks of directory_id's selectivity.
    // On PostgreSQL the probe holds a key-share lock on the member until commit: a concurrent delete of that user
    // then waits for this transaction (and finds the new membership row to remove), or, having deleted first,
    // makes this probe find nothing — never a membership row naming a deleted user.
    const probe = (table: 'users' | 'groups') =>
      new PreparedQuery<{ directory: string; id: string }, { id: string }>((p) => {
        const query = db.selectFrom(table).select('id').where('id', '=', p('id')).where('directory_id', '=', p('directory'));
        return lock ? query.forKeyShare() : query;
      });
    this.userIn = probe('users');
    this.groupIn = probe('groups');
    this.present = new PreparedQuery((p) =>
      db.selectFrom('group_members').select('member_id').where('group_id', '=', p('group')).where('member_id', '=', p('member')),
    );
    this.insert = new PreparedQuery((p) =>
      db
        .insertInto('group_members')
        .values(parameters(['group_id', 'member_id', 'directory_id', 'member_type', 'created_at'], p))
        .onConflict((oc) => oc.doNothing()),
    );
    this.removeOne = new PreparedQuery((p) =>
      db.deleteFrom('group_members').where('group_id', '=', p('group')).where('member_id', '=', p('member')).returning(['member_id', 'member_type']),
    );
    this.removeEvery = new PreparedQuery((p) => db.deleteFrom('group_members').where('group_id', '=', p('group')).returning(['member_id', 'member_type']));
    // One chunk of a group's members, keyset-paged: the primary key (group_id, member_id) holds them in this order,
    // so each chunk is one index range that starts where the last one ended, however deep into the group it is.
    this.membersAfter = new PreparedQuery((p) =>
      db
        .selectFrom('group_members as gm')
        .leftJoin('users as u', 'u.id', 'gm.member_id')
        .leftJoin('groups as g', 'g.id', 'gm.member_id')
        .select(['gm.member_id', 'gm.member_type', sql<string | null>`coalesce(u.display_name, u.user_name, g.display_name)`.as('display')])
        .where('gm.group_id', '=', p('group'))
        .where('gm.member_id', '>', p('after'))
        .orderBy('gm.member_id')
        .limit(p('limit')),
    );
    this.groupsOfMember = new PreparedQuery((p) =>
      db
        .selectFrom('group_members as gm')
        .innerJoin('groups as g', 'g.id', 'gm.group_id')
        .select(['g.id', 'g.display_name'])
        .where('gm.member_id', '=', p('member'))
        .orderBy('g.display_name_key'),
    );
    this.leaveAll = new PreparedQuery((p) => db.deleteFrom('group_members').where('member_id', '=', p('member')).returning('group_id'));
  }

  /** Applies PATCH/PUT member changes in the caller's transaction; returns the net members added and removed. */
  async apply(trx: Kysely<Database>, directoryId: string, groupId: string, changes: MemberChange[]): Promise<MembershipDelta> {
    const added = new Map<string, MemberKey>();
    const removed = new Map<string, MemberKey>();
    const noteAdded = (members: MemberKey[]) => members.forEach((m) => removed.delete(m.id) || added.set(m.id, m));
    const noteRemoved = (members: MemberKey[]) => members.forEach((m) => added.delete(m.id) || removed.set(m.id, m));
    for (const change of changes) {
      switch (change.op) {
        case 'add':
          noteAdded(await this.add(trx, directoryId, groupId, change.members));
          break;
        case 'replaceAll':
          noteRemoved(await this.removeAll(trx, groupId));
          noteAdded(await this.add(trx, directoryId, groupId, change.members));
          break;
        case 'removeAll':
          noteRemoved(await this.removeAll(trx, groupId));
          break;
        case 'remove':
          noteRemoved(await this.remove(trx, groupId, change.ids));
          break;
        case 'removeWhere':
          noteRemoved(await this.removeWhere(trx, groupId, change.filter));
          break;
      }
    }
    return { added: [...added.values()], removed: [...removed.values()] };
  }

  /** Inserts the members not already present; returns those actually added. Unknown ids are refused. */
  private async add(trx: Kysely<Database>, directoryId: string, groupId: string, members: MemberInput[]): Promise<MemberKey[]> {
    const fresh: MemberKey[] = [];
    const missing: string[] = [];
    for (const id of new Set(members.map((m) => m.value))) {
      if (id === groupId) throw badRequest('invalidValue', 'members: a group cannot be a member of itself');
      const type = (await this.userIn.first(trx, { directory: directoryId, id }))
        ? 'User'
        : (await this.groupIn.first(trx, { directory: directoryId, id }))
          ? 'Group'
          : undefined;
      if (!type) missing.push(id);
      else if (!(await this.present.first(trx, { group: groupId, member: id }))) fresh.push({ id, type });
    }
    if (missing.length > 0) {
      throw badRequest('invalidValue', `members: no user or group with id ${missing.slice(0, 5).map((m) => `"${m}"`).join(', ')} in this directory`);
    }
    const now = new Date().toISOString();
    for (const { id, type } of fresh) {
      await this.insert.execute(trx, { group_id: groupId, member_id: id, directory_id: directoryId, member_type: type, created_at: now });
    }
    return fresh;
  }

  private async remove(trx: Kysely<Database>, groupId: string, ids: string[]): Promise<MemberKey[]> {
    const removed: MemberKey[] = [];
    for (const id of new Set(ids)) {
      const row = await this.removeOne.first(trx, { group: groupId, member: id });
      if (row) removed.push({ id, type: row.member_type });
    }
    return removed;
  }

  private async removeAll(trx: Kysely<Database>, groupId: string): Promise<MemberKey[]> {
    return (await this.removeEvery.execute(trx, { group: groupId })).map((r) => ({ id: r.member_id, type: r.member_type }));
  }

  /**
   * `remove` with a member filter other than `value eq` (rare: `members[type eq "Group"]`): evaluated against the
   * group's member rows. This is the one membership path that reads every member, a chunk at a time.
   */
  private async removeWhere(trx: Kysely<Database>, groupId: string, filter: Filter): Promise<MemberKey[]> {
    const ids: string[] = [];
    for await (const chunk of this.members(trx, groupId, MEMBER_CHUNK_SIZE)) {
      for (const member of chunk) if (evaluateFilter(filter, member, memberAttributes)) ids.push(member.value);
    }
    return this.remove(trx, groupId, ids);
  }

  /**
   * A group's members in id order, `size` at a time, with `display` from the member's current name: a caller holds
   * one chunk, never the whole group. Each chunk is its own statement, so the chunks are not one snapshot: a member
   * added or removed while they are read may or may not be in them, but no member comes twice.
   */
  async *members(db: Kysely<Database>, groupId: string, size: number): AsyncGenerator<MemberRecord[]> {
    let after = ''; // sorts before every id
    for (;;) {
      const rows = await this.membersAfter.execute(db, { group: groupId, after, limit: size });
      if (rows.length > 0) {
        yield rows.map((row) => ({ value: row.member_id, type: row.member_type, ...(row.display ? { display: row.display } : {}) }));
      }
      // A short chunk is the last one: the group ends without one more statement to find out.
      if (rows.length < size) return;
      after = rows.at(-1)!.member_id;
    }
  }

  /** The groups a user or group belongs to (direct membership), for the User `groups` attribute. */
  async groupsOf(db: Kysely<Database>, memberId: string): Promise<Array<{ value: string; display: string }>> {
    return (await this.groupsOfMember.execute(db, { member: memberId })).map((g) => ({ value: g.id, display: g.display_name }));
  }

  /** Removes a user or group from every group it belongs to; returns those groups. */
  async leaveEveryGroup(trx: Kysely<Database>, memberId: string): Promise<string[]> {
    return (await this.leaveAll.execute(trx, { member: memberId })).map((r) => r.group_id);
  }
}
