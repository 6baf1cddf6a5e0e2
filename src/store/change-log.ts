import type { Kysely } from 'kysely';
import type { ResourceTypeName } from '../scim/schema/resource-schema.ts';
import type { Database } from './database.ts';

export type ChangeKind = 'created' | 'updated' | 'deleted' | 'members_added' | 'members_removed';

export interface ChangeEntry {
  resourceType: ResourceTypeName;
  resourceId: string;
  kind: ChangeKind;
  /** Attribute names that changed, or member ids for membership changes. */
  attributes: string[];
  before: unknown;
  after: unknown;
}

/** Counter deltas that ride along with the sequence bump, so a write touches the directory row once. */
export interface CountDelta {
  users?: number;
  groups?: number;
}

/**
 * Appends change records inside the caller's transaction. Sequence numbers come from the directory row's counter,
 * bumped in the same transaction: the row lock makes them gap-free and ordered per directory on every dialect.
 */
export async function appendChanges(
  trx: Kysely<Database>,
  directoryId: string,
  entries: ChangeEntry[],
  counts: CountDelta = {},
): Promise<void> {
  if (entries.length === 0 && !counts.users && !counts.groups) return;
  const row = await trx
    .updateTable('directories')
    .set((eb) => ({
      change_seq: eb('change_seq', '+', entries.length),
      user_count: eb('user_count', '+', counts.users ?? 0),
      group_count: eb('group_count', '+', counts.groups ?? 0),
    }))
    .where('id', '=', directoryId)
    .returning('change_seq')
    .executeTakeFirstOrThrow();
  if (entries.length === 0) return;
  const first = Number(row.change_seq) - entries.length + 1;
  const now = new Date().toISOString();
  // Chunked: one statement may bind only so many parameters (a user leaving 10,000 groups makes 10,000 entries).
  for (let start = 0; start < entries.length; start += CHUNK) {
    await trx
      .insertInto('changes')
      .values(
        entries.slice(start, start + CHUNK).map((entry, i) => ({
        directory_id: directoryId,
        seq: first + start + i,
        resource_type: entry.resourceType,
        resource_id: entry.resourceId,
        kind: entry.kind,
        attributes: JSON.stringify(entry.attributes),
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        created_at: now,
      })),
      )
      .execute();
  }
}

const CHUNK = 500;
