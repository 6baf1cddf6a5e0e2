import type { Insertable, Kysely } from 'kysely';
import type { EventType } from '../events/event-type.ts';
import type { ChangeTable, Database } from './database.ts';
import { parameters, PreparedQuery } from './prepared-query.ts';

/** One change, and the event that tells the host app about it. */
export interface ChangeEntry {
  type: EventType;
  resourceType: 'User' | 'Group' | 'Directory';
  /** The user, group or directory; the group for a membership change. */
  resourceId: string;
  /** The user a membership change adds or removes. */
  memberId?: string;
  /** Attribute names an update changed; empty otherwise. */
  attributes: string[];
  /** The event's data: the objects it is about (event-objects.ts). */
  data: Record<string, unknown>;
}

/** Counter deltas that ride along with the sequence bump, so a write touches the directory row once. */
export interface CountDelta {
  users?: number;
  groups?: number;
}

/**
 * Appends change records — the event outbox — inside the caller's transaction, so a change and its event exist
 * together or not at all. Sequence numbers come from the directory row's counter, bumped in the same transaction:
 * the row lock makes them gap-free and ordered by commit per directory, on every dialect.
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
        event_id: `evt_${crypto.randomUUID().replaceAll('-', '')}`,
        type: entry.type,
        resource_type: entry.resourceType,
        resource_id: entry.resourceId,
        member_id: entry.memberId ?? null,
        attributes: JSON.stringify(entry.attributes),
        data: JSON.stringify(entry.data),
        created_at: now,
      });
    }
  }
}

const CHANGE_COLUMNS = ['directory_id', 'seq', 'event_id', 'type', 'resource_type', 'resource_id', 'member_id', 'attributes', 'data', 'created_at'] as const;
