import { type Kysely, sql } from 'kysely';
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

export interface MembershipDelta {
  added: string[];
  removed: string[];
}

const memberAttributes = coreGroupSchema.attributes.find((a) => a.name === 'members')!.subAttributes!;
/** SQLite binds at most 32,766 parameters per statement; stay well below it for every dialect. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Applies PATCH/PUT member changes as rows: adding one member to a 100,000-member group inserts one row and reads
 * nothing but primary-key probes.
 */
export async function applyMemberChanges(
  trx: Kysely<Database>,
  directoryId: string,
  groupId: string,
  changes: MemberChange[],
): Promise<MembershipDelta> {
  const added = new Set<string>();
  const removed = new Set<string>();
  const noteRemoved = (ids: string[]) => ids.forEach((id) => (added.delete(id) || removed.add(id)));
  for (const change of changes) {
    switch (change.op) {
      case 'add':
        for (const id of await addMembers(trx, directoryId, groupId, change.members)) removed.delete(id) || added.add(id);
        break;
      case 'replaceAll':
        noteRemoved(await removeAll(trx, groupId));
        for (const id of await addMembers(trx, directoryId, groupId, change.members)) removed.delete(id) || added.add(id);
        break;
      case 'removeAll':
        noteRemoved(await removeAll(trx, groupId));
        break;
      case 'remove':
        noteRemoved(await removeIds(trx, groupId, change.ids));
        break;
      case 'removeWhere':
        noteRemoved(await removeWhere(trx, groupId, change.filter));
        break;
    }
  }
  return { added: [...added], removed: [...removed] };
}

/** Inserts the members not already present; returns the ids actually added. Unknown ids are refused. */
async function addMembers(
  trx: Kysely<Database>,
  directoryId: string,
  groupId: string,
  members: MemberInput[],
): Promise<string[]> {
  const ids = [...new Set(members.map((m) => m.value))];
  if (ids.length === 0) return [];
  const types = new Map<string, 'User' | 'Group'>();
  const present = new Set<string>();
  for (const part of chunks(ids)) {
    const users = await trx.selectFrom('users').select('id').where('directory_id', '=', directoryId).where('id', 'in', part).execute();
    users.forEach((u) => types.set(u.id, 'User'));
    const groups = await trx.selectFrom('groups').select('id').where('directory_id', '=', directoryId).where('id', 'in', part).execute();
    groups.forEach((g) => types.set(g.id, 'Group'));
    const existing = await trx.selectFrom('group_members').select('member_id').where('group_id', '=', groupId).where('member_id', 'in', part).execute();
    existing.forEach((m) => present.add(m.member_id));
  }
  const missing = ids.filter((id) => !types.has(id));
  if (missing.length > 0) {
    throw badRequest('invalidValue', `members: no user or group with id ${missing.slice(0, 5).map((m) => `"${m}"`).join(', ')} in this directory`);
  }
  if (ids.includes(groupId)) throw badRequest('invalidValue', 'members: a group cannot be a member of itself');
  const fresh = ids.filter((id) => !present.has(id));
  const now = new Date().toISOString();
  for (const part of chunks(fresh)) {
    await trx
      .insertInto('group_members')
      .values(part.map((id) => ({ group_id: groupId, member_id: id, directory_id: directoryId, member_type: types.get(id)!, created_at: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return fresh;
}

async function removeIds(trx: Kysely<Database>, groupId: string, ids: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const part of chunks([...new Set(ids)])) {
    const rows = await trx.deleteFrom('group_members').where('group_id', '=', groupId).where('member_id', 'in', part).returning('member_id').execute();
    removed.push(...rows.map((r) => r.member_id));
  }
  return removed;
}

async function removeAll(trx: Kysely<Database>, groupId: string): Promise<string[]> {
  const rows = await trx.deleteFrom('group_members').where('group_id', '=', groupId).returning('member_id').execute();
  return rows.map((r) => r.member_id);
}

/**
 * `remove` with a member filter other than `value eq` (rare: `members[type eq "Group"]`): evaluated against the
 * group's member rows. This is the one membership path that reads every member.
 */
async function removeWhere(trx: Kysely<Database>, groupId: string, filter: Parameters<typeof evaluateFilter>[0]): Promise<string[]> {
  const members = await listMembers(trx, [groupId]);
  const ids = (members.get(groupId) ?? []).filter((m) => evaluateFilter(filter, m, memberAttributes)).map((m) => m.value);
  return removeIds(trx, groupId, ids);
}

/** Members of the given groups, with `display` from the member's current name. */
export async function listMembers(db: Kysely<Database>, groupIds: string[]): Promise<Map<string, MemberRecord[]>> {
  const out = new Map<string, MemberRecord[]>(groupIds.map((id) => [id, []]));
  for (const part of chunks(groupIds)) {
    const rows = await db
      .selectFrom('group_members as gm')
      .leftJoin('users as u', 'u.id', 'gm.member_id')
      .leftJoin('groups as g', 'g.id', 'gm.member_id')
      .select(['gm.group_id', 'gm.member_id', 'gm.member_type', sql<string | null>`coalesce(u.display_name, u.user_name, g.display_name)`.as('display')])
      .where('gm.group_id', 'in', part)
      // Primary-key order: the index already holds it, so no sort step whatever the group size.
      .orderBy('gm.group_id')
      .orderBy('gm.member_id')
      .execute();
    for (const row of rows) {
      out.get(row.group_id)!.push({ value: row.member_id, type: row.member_type, ...(row.display ? { display: row.display } : {}) });
    }
  }
  return out;
}

/** The groups each of the given users or groups belongs to (direct membership), for the User `groups` attribute. */
export async function listGroupsOf(db: Kysely<Database>, memberIds: string[]): Promise<Map<string, Array<{ value: string; display: string }>>> {
  const out = new Map<string, Array<{ value: string; display: string }>>(memberIds.map((id) => [id, []]));
  for (const part of chunks(memberIds)) {
    const rows = await db
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select(['gm.member_id', 'g.id', 'g.display_name'])
      .where('gm.member_id', 'in', part)
      .orderBy('g.display_name_key')
      .execute();
    for (const row of rows) out.get(row.member_id)!.push({ value: row.id, display: row.display_name });
  }
  return out;
}
