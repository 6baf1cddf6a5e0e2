import type { Selectable } from 'kysely';
import type { ChangeTable } from '../store/database.ts';
import type { EventType } from './event-type.ts';
import type { RosterEvent } from './event.ts';

/** The change-log columns an event is made of. */
export type EventRow = Pick<Selectable<ChangeTable>, 'directory_id' | 'seq' | 'event_id' | 'type' | 'attributes' | 'data' | 'created_at'>;

/**
 * The event a change-log row tells the host app about: the events API returns it and a webhook posts it, so both
 * show one event in the same shape. The organization comes from the directory (the row does not repeat it).
 */
export function eventFromRow(row: EventRow, organizationId: string): RosterEvent {
  const changedAttributes = JSON.parse(row.attributes) as string[];
  return {
    id: row.event_id,
    type: row.type as EventType,
    organizationId,
    directoryId: row.directory_id,
    sequence: row.seq,
    occurredAt: row.created_at,
    ...(changedAttributes.length > 0 ? { changedAttributes } : {}),
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}
