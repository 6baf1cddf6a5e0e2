import { type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect/dialect-of.ts';
import { idsIn } from './dialect/id-list.ts';
import { PreparedQuery } from './prepared-query.ts';
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
  /** A user's SCIM document (JSON), for the event that tells of the change. */
  doc?: string;
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
/** A batch of ids, bound as one JSON array. */
type IdList = { ids: string };
const inDirectory = (directoryId: string) => (row: { directory_id: string }) => row.directory_id === directoryId;

/** Ids per statement: PATCHes from IdPs carry up to a few hundred members. */
const BATCH = 500;

function batches<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) result.push(items.slice(i, i + BATCH));
  return result;
}

/**
 * Group membership as rows. Every statement is a primary-key or index probe for one group and one member, so adding
 * one member to a 100,000-member group costs what it costs on a 10-member group, and nothing here ever depends on
 * the size of the directory.
 */
export class Membership {
  private readonly usersIn: PreparedQuery<IdList, { id: string; doc: string; directory_id: string }>;
  private readonly userDocs: PreparedQuery<IdList, { id: string; doc: string; directory_id: string }>;
  private readonly groupsIn: PreparedQuery<IdList, { id: string; directory_id: string }>;
  private readonly presentIn: PreparedQuery<GroupRef & { ids: string }, { member_id: string }>;
  private readonly removeSome: PreparedQuery<GroupRef & { ids: string }, { member_id: string; member_type: 'User' | 'Group' }>;
  private readonly removeEvery: PreparedQuery<GroupRef, { member_id: string; member_type: 'User' | 'Group' }>;
  private readonly membersAfter: PreparedQuery<
    GroupRef & { after: string; limit: number },
    { member_id: string; member_type: 'User' | 'Group'; display: string | null }
  >;
  private readonly groupsOfMember: PreparedQuery<{ member: string }, { id: string; display_name: string }>;
  private readonly leaveAll: PreparedQuery<{ member: string }, { group_id: string }>;

  /** `lock`: PostgreSQL, where other transactions run alongside; SQLite runs one writer at a time. */
  constructor(db: Kysely<Database>, lock: boolean) {
    const dialect = dialectOf(db);
    // Each statement takes a batch of ids as one JSON array, so a PATCH of 100 members is a handful of statements,
    // not 300 — round trips that PostgreSQL makes every other write to the directory wait for. Each id is a
    // primary-key probe, so the cost follows the batch, never the group or the directory.
    // On PostgreSQL the user probe holds a key-share lock on each member until commit: a concurrent delete of that
    // user then waits for this transaction (and finds the new membership row to remove), or, having deleted first,
    // makes this probe find nothing — never a membership row naming a deleted user.
    // The directory is checked on the rows that come back, not in SQL: given `directory_id = ?`, SQLite's planner
    // walks the directory's index instead of probing the primary key once per id.
    this.usersIn = new PreparedQuery((p) => {
      const query = db.selectFrom('users').select(['id', 'doc', 'directory_id']).where('id', 'in', idsIn(dialect, p('ids')));
      return lock ? query.forKeyShare() : query;
    });
    this.userDocs = new PreparedQuery((p) => db.selectFrom('users').select(['id', 'doc', 'directory_id']).where('id', 'in', idsIn(dialect, p('ids'))));
    this.groupsIn = new PreparedQuery((p) => {
      const query = db.selectFrom('groups').select(['id', 'directory_id']).where('id', 'in', idsIn(dialect, p('ids')));
      return lock ? query.forKeyShare() : query;
    });
    this.presentIn = new PreparedQuery((p) =>
      db.selectFrom('group_members').select('member_id').where('group_id', '=', p('group')).where('member_id', 'in', idsIn(dialect, p('ids'))),
    );
    this.removeSome = new PreparedQuery((p) =>
      db
        .deleteFrom('group_members')
        .where('group_id', '=', p('group'))
        .where('member_id', 'in', idsIn(dialect, p('ids')))
        .returning(['member_id', 'member_type']),
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
          noteRemoved(await this.removeAll(trx, directoryId, groupId));
          noteAdded(await this.add(trx, directoryId, groupId, change.members));
          break;
        case 'removeAll':
          noteRemoved(await this.removeAll(trx, directoryId, groupId));
          break;
        case 'remove':
          noteRemoved(await this.remove(trx, directoryId, groupId, change.ids));
          break;
        case 'removeWhere':
          noteRemoved(await this.removeWhere(trx, directoryId, groupId, change.filter));
          break;
      }
    }
    return { added: [...added.values()], removed: [...removed.values()] };
  }

  /** Inserts the members not already present; returns those actually added. Unknown ids are refused. */
  private async add(trx: Kysely<Database>, directoryId: string, groupId: string, members: MemberInput[]): Promise<MemberKey[]> {
    const ids = [...new Set(members.map((m) => m.value))];
    if (ids.includes(groupId)) throw badRequest('invalidValue', 'members: a group cannot be a member of itself');
    const fresh: MemberKey[] = [];
    const missing: string[] = [];
    for (const batch of batches(ids)) {
      const list = JSON.stringify(batch);
      const users = new Map((await this.usersIn.execute(trx, { ids: list })).filter(inDirectory(directoryId)).map((u) => [u.id, u.doc]));
      const others = batch.filter((id) => !users.has(id));
      const groups = new Set(others.length ? (await this.groupsIn.execute(trx, { ids: JSON.stringify(others) })).filter(inDirectory(directoryId)).map((g) => g.id) : []);
      const present = new Set((await this.presentIn.execute(trx, { group: groupId, ids: list })).map((m) => m.member_id));
      for (const id of batch) {
        if (users.has(id)) {
          if (!present.has(id)) fresh.push({ id, type: 'User', doc: users.get(id)! });
        } else if (groups.has(id)) {
          if (!present.has(id)) fresh.push({ id, type: 'Group' });
        } else missing.push(id);
      }
    }
    if (missing.length > 0) {
      throw badRequest('invalidValue', `members: no user or group with id ${missing.slice(0, 5).map((m) => `"${m}"`).join(', ')} in this directory`);
    }
    const now = new Date().toISOString();
    for (const batch of batches(fresh)) {
      await trx
        .insertInto('group_members')
        .values(batch.map((m) => ({ group_id: groupId, member_id: m.id, directory_id: directoryId, member_type: m.type, created_at: now })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return fresh;
  }

  private async remove(trx: Kysely<Database>, directoryId: string, groupId: string, ids: string[]): Promise<MemberKey[]> {
    const removed: MemberKey[] = [];
    for (const batch of batches([...new Set(ids)])) {
      const rows = await this.removeSome.execute(trx, { group: groupId, ids: JSON.stringify(batch) });
      removed.push(...(await this.withUserDocs(trx, directoryId, rows.map((r) => ({ id: r.member_id, type: r.member_type })))));
    }
    return removed;
  }

  /** Fills in the documents of the users among `members`, for their events. */
  private async withUserDocs(trx: Kysely<Database>, directoryId: string, members: MemberKey[]): Promise<MemberKey[]> {
    const userIds = members.filter((m) => m.type === 'User').map((m) => m.id);
    if (userIds.length === 0) return members;
    const docs = new Map((await this.userDocs.execute(trx, { ids: JSON.stringify(userIds) })).filter(inDirectory(directoryId)).map((u) => [u.id, u.doc]));
    return members.map((m) => (docs.has(m.id) ? { ...m, doc: docs.get(m.id)! } : m));
  }

  private async removeAll(trx: Kysely<Database>, directoryId: string, groupId: string): Promise<MemberKey[]> {
    const members: MemberKey[] = (await this.removeEvery.execute(trx, { group: groupId })).map((r) => ({ id: r.member_id, type: r.member_type }));
    const withDocs: MemberKey[] = [];
    for (const batch of batches(members)) withDocs.push(...(await this.withUserDocs(trx, directoryId, batch)));
    return withDocs;
  }

  /**
   * `remove` with a member filter other than `value eq` (rare: `members[type eq "Group"]`): evaluated against the
   * group's member rows. This is the one membership path that reads every member, a chunk at a time.
   */
  private async removeWhere(trx: Kysely<Database>, directoryId: string, groupId: string, filter: Filter): Promise<MemberKey[]> {
    const ids: string[] = [];
    for await (const chunk of this.members(trx, groupId, MEMBER_CHUNK_SIZE)) {
      for (const member of chunk) if (evaluateFilter(filter, member, memberAttributes)) ids.push(member.value);
    }
    return this.remove(trx, directoryId, groupId, ids);
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
