import { type Insertable, type Kysely, sql } from 'kysely';
import type { EventType } from '../events/event-type.ts';
import type { DialectName } from './connect.ts';
import { dialectOf } from './dialect/dialect-of.ts';
import type { ChangeTable, Database } from './database.ts';
import { PreparedQuery } from './prepared-query.ts';

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

  private readonly dialect: DialectName;

  constructor(db: Kysely<Database>) {
    this.dialect = dialectOf(db);
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
  }

  /**
   * Appends `entries` and moves the counters. Call it last in the transaction: from the bump on, the directory's
   * row is locked until commit, and every other write to the directory waits.
   */
  async append(trx: Kysely<Database>, directoryId: string, entries: ChangeEntry[], counts: CountDelta = {}): Promise<void> {
    if (entries.length === 0 && !counts.users && !counts.groups) return;
    const now = new Date().toISOString();
    // `seq` holds the position within this append until the bump tells where the run starts.
    const rows: Array<Insertable<ChangeTable>> = entries.map((entry, i) => ({
      directory_id: directoryId,
      seq: i + 1,
      event_id: `evt_${crypto.randomUUID().replaceAll('-', '')}`,
      type: entry.type,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId,
      member_id: entry.memberId ?? null,
      attributes: JSON.stringify(entry.attributes),
      data: JSON.stringify(entry.data),
      created_at: now,
    }));
    const bump = { directory: directoryId, changes: entries.length, users: counts.users ?? 0, groups: counts.groups ?? 0 };
    if (this.dialect === 'postgres') {
      // One statement, one round trip: the row lock is held for that statement and the commit, not for a round
      // trip per event as well — with several instances writing to one directory, that wait is the throughput.
      await sql`with bumped as (
          update directories set change_seq = change_seq + ${bump.changes}, user_count = user_count + ${bump.users},
            group_count = group_count + ${bump.groups} where id = ${directoryId} returning change_seq)
        insert into changes (directory_id, seq, event_id, type, resource_type, resource_id, member_id, attributes, data, created_at)
        select e.directory_id, bumped.change_seq - ${bump.changes} + e.seq, e.event_id, e.type, e.resource_type, e.resource_id,
          e.member_id, e.attributes, e.data, e.created_at
        from bumped, json_populate_recordset(null::changes, ${JSON.stringify(rows)}) as e`.execute(trx);
      return;
    }
    const first = Number((await this.bump.first(trx, bump))!.change_seq) - entries.length;
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH).map((row) => ({ ...row, seq: first + Number(row.seq) }));
      await trx.insertInto('changes').values(batch).execute();
    }
  }
}

/** Rows per INSERT: 10 columns each, far below SQLite's limit of bound parameters per statement. */
const INSERT_BATCH = 200;
