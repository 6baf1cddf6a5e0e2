import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { DialectName } from '../store/connect.ts';
import type { Database, WebhookDeliveryTable } from '../store/database.ts';

/** Events read per cursor transaction: bounds how long a cursor row stays locked. */
const BATCH = 500;

/**
 * The most deliveries a lane may have pending before fan-out waits for it to drain. Events past that stay in the change
 * log (the outbox) and are enqueued as the lane catches up, so a receiver slower than the SCIM writes does not make
 * Roster write a delivery row for every event of a burst while it is being written.
 */
const PENDING_HIGH_WATER = 2 * BATCH;

/** A delivery of one event, due now. Fan-out and replay make them. */
export function newDelivery(endpointId: string, directoryId: string, seq: number, now: string): Insertable<WebhookDeliveryTable> {
  return { id: randomUUID(), endpoint_id: endpointId, directory_id: directoryId, seq, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now };
}

/**
 * Turns the change log (the outbox) into deliveries, beside SCIM and never inside its requests: for each enabled
 * endpoint and each directory it covers, a cursor says up to which sequence number the directory's events are
 * enqueued. Advancing it and inserting the deliveries happen in one transaction, with the cursor row locked on
 * PostgreSQL, so two instances never enqueue an event twice. Sequence numbers are gap-free in commit order, so an
 * event below the cursor can never appear later.
 */
export class FanOut {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /** Enqueues every new event for every enabled endpoint; returns how many deliveries it made. */
  async run(): Promise<number> {
    await this.ensureCursors();
    let enqueued = 0;
    for (const lane of await this.lanesBehind()) {
      const eventTypes = JSON.parse(lane.event_types) as string[];
      // One batch per lane and poll: the lane's next batch waits until it has room again.
      enqueued += (await this.advance(lane.endpoint_id, lane.directory_id, eventTypes)).enqueued;
    }
    return enqueued;
  }

  /**
   * Gives every enabled endpoint a cursor for each directory it covers that has none yet: directories created after
   * the endpoint, which start at their first event. (An endpoint's own cursors are made when it is added.)
   */
  private async ensureCursors(): Promise<void> {
    // Read first: an insert that adds nothing would still take SQLite's write lock at every poll.
    const missing = await this.db
      .selectFrom('webhook_endpoints as e')
      .innerJoin('directories as d', (join) =>
        join.on((on) =>
          on.or([on('e.directory_id', '=', on.ref('d.id')), on.and([on('e.directory_id', 'is', null), on('e.organization_id', '=', on.ref('d.organization_id'))])]),
        ),
      )
      .select(['e.id as endpoint_id', 'd.id as directory_id'])
      .where('e.enabled', '=', 1)
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('webhook_cursors as c').select('c.seq').whereRef('c.endpoint_id', '=', 'e.id').whereRef('c.directory_id', '=', 'd.id'))),
      )
      .execute();
    if (missing.length === 0) return;
    await this.db
      .insertInto('webhook_cursors')
      .values(missing.map((lane) => ({ ...lane, seq: 0 })))
      // Another instance may add the same cursor at the same moment: the first one counts.
      .onConflict((oc) => oc.columns(['endpoint_id', 'directory_id']).doNothing())
      .execute();
  }

  /**
   * The cursors of enabled endpoints whose directory has events past them and whose lane is not full: one cheap read
   * when nothing is new.
   */
  private lanesBehind() {
    return this.db
      .selectFrom('webhook_cursors as c')
      .innerJoin('webhook_endpoints as e', 'e.id', 'c.endpoint_id')
      .innerJoin('directories as d', 'd.id', 'c.directory_id')
      .select(['c.endpoint_id', 'c.directory_id', 'e.event_types'])
      .where('e.enabled', '=', 1)
      .whereRef('d.change_seq', '>', 'c.seq')
      .where((eb) =>
        eb(
          eb
            .selectFrom('webhook_deliveries as w')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('w.endpoint_id', '=', 'c.endpoint_id')
            .whereRef('w.directory_id', '=', 'c.directory_id')
            .where('w.status', '=', 'pending'),
          '<',
          PENDING_HIGH_WATER,
        ),
      )
      .execute();
  }

  private advance(endpointId: string, directoryId: string, eventTypes: string[]): Promise<{ enqueued: number }> {
    return this.db.transaction().execute(async (trx) => {
      // Under the row lock a second instance waits here, then reads the cursor the first one moved.
      const cursor = await trx
        .selectFrom('webhook_cursors')
        .select('seq')
        .where('endpoint_id', '=', endpointId)
        .where('directory_id', '=', directoryId)
        .$if(this.dialect === 'postgres', (q) => q.forUpdate())
        .executeTakeFirst();
      if (!cursor) return { enqueued: 0 };
      const events = await trx
        .selectFrom('changes')
        .select(['seq', 'type'])
        .where('directory_id', '=', directoryId)
        .where('seq', '>', cursor.seq)
        .orderBy('seq')
        .limit(BATCH)
        .execute();
      if (events.length === 0) return { enqueued: 0 };
      const now = new Date().toISOString();
      const wanted = events.filter((event) => eventTypes.length === 0 || eventTypes.includes(event.type));
      if (wanted.length > 0) await trx.insertInto('webhook_deliveries').values(wanted.map((event) => newDelivery(endpointId, directoryId, event.seq, now))).execute();
      await trx
        .updateTable('webhook_cursors')
        .set({ seq: events.at(-1)!.seq })
        .where('endpoint_id', '=', endpointId)
        .where('directory_id', '=', directoryId)
        .execute();
      return { enqueued: wanted.length };
    });
  }
}
