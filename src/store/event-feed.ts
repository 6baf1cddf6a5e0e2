import type { Kysely } from 'kysely';
import type { RosterEvent } from '../events/event.ts';
import { eventFromRow } from '../events/event-from-row.ts';
import type { EventType } from '../events/event-type.ts';
import type { Database } from './database.ts';

/** A directory whose events can be read, with the last sequence number it had handed out when it was listed. */
export interface EventSource {
  directoryId: string;
  organizationId: string;
  lastSequence: number;
}

/** Which directories a reader reads: those of an organization, or one directory (of that organization). */
export interface EventScope {
  organizationId?: string;
  directoryId?: string;
}

/**
 * Reads the change log as events, one directory at a time, by ranges of its primary key (directory_id, seq).
 *
 * A directory's sequence numbers are gap-free and follow commit order (change-log.ts), and a directory's
 * `change_seq` commits in the same transaction as its events. So once `sources` has read `change_seq` = N, every
 * event up to N is committed and visible to any later statement, and none up to N can still appear: a read bounded
 * by N misses nothing, whatever commits meanwhile. (A global order would not have this property on PostgreSQL,
 * where transactions commit in another order than they took their ids.)
 */
export class EventFeed {
  constructor(private readonly db: Kysely<Database>) {}

  /** Deleted directories too: their events stay readable until retention removes them, and the directory with them. */
  async sources(scope: EventScope): Promise<EventSource[]> {
    let query = this.db.selectFrom('directories').select(['id', 'organization_id', 'change_seq']).orderBy('id');
    if (scope.organizationId !== undefined) query = query.where('organization_id', '=', scope.organizationId);
    if (scope.directoryId !== undefined) query = query.where('id', '=', scope.directoryId);
    const rows = await query.execute();
    // Every directory has an organization since organizations exist (migration 0002 gave older ones their own).
    return rows.map((r) => ({ directoryId: r.id, organizationId: r.organization_id ?? r.id, lastSequence: Number(r.change_seq) }));
  }

  /**
   * The events of `source` after sequence number `after`, up to its `lastSequence`, in sequence order: at most
   * `limit`, and only those of `types` when given.
   */
  async read(source: EventSource, after: number, types: readonly EventType[] | undefined, limit: number): Promise<RosterEvent[]> {
    let query = this.db
      .selectFrom('changes')
      .selectAll()
      .where('directory_id', '=', source.directoryId)
      .where('seq', '>', after)
      .where('seq', '<=', source.lastSequence);
    if (types) query = query.where('type', 'in', types);
    const rows = await query.orderBy('seq').limit(limit).execute();
    return rows.map((row) => eventFromRow(row, source.organizationId));
  }
}
