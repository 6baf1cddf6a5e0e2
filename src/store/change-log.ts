import type { Insertable, Kysely } from 'kysely';
import type { ResourceTypeName } from '../scim/schema/resource-schema.ts';
import type { ChangeTable, Database } from './database.ts';
import { parameters, PreparedQuery } from './prepared-query.ts';

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
export class ChangeLog {
  private readonly bump: PreparedQuery<{ directory: string; changes: number; users: number; groups: number }, { change_seq: number }>;
  private readonly insert: PreparedQuery<Insertable<ChangeTable>, unknown>;

  constructor(db: Kysely<Database>) {
    this.bump = new PreparedQuery((p) =>
      db
        .updateTable('directories')
        .set((eb) => ({
          change_seq: eb('change_seq', '+', p('changes')),
          user_count: eb('user_count', '+', p('users')),
          group_count: eb('group_count', '+', p('groups')),
        }))
        .where('id', '=', p('directory'))
        .returning('change_seq'),
    );
    this.insert = new PreparedQuery((p) => db.insertInto('changes').values(parameters(CHANGE_COLUMNS, p)));
  }

  async append(trx: Kysely<Database>, directoryId: string, entries: ChangeEntry[], counts: CountDelta = {}): Promise<void> {
    if (entries.length === 0 && !counts.users && !counts.groups) return;
    const row = await this.bump.first(trx, { directory: directoryId, changes: entries.length, users: counts.users ?? 0, groups: counts.groups ?? 0 });
    const first = Number(row!.change_seq) - entries.length + 1;
    const now = new Date().toISOString();
    for (const [i, entry] of entries.entries()) {
      await this.insert.execute(trx, {
        directory_id: directoryId,
        seq: first + i,
        resource_type: entry.resourceType,
        resource_id: entry.resourceId,
        kind: entry.kind,
        attributes: JSON.stringify(entry.attributes),
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        created_at: now,
      });
    }
  }
}

const CHANGE_COLUMNS = ['directory_id', 'seq', 'resource_type', 'resource_id', 'kind', 'attributes', 'before', 'after', 'created_at'] as const;
