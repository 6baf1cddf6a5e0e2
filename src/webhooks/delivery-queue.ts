import type { ExpressionBuilder, Kysely } from 'kysely';
import type { EventRow } from '../events/event-from-row.ts';
import type { DialectName } from '../store/connect.ts';
import type { Database, WebhookCursorTable } from '../store/database.ts';
import type { Verdict } from './attempt-verdict.ts';
import { EndpointStore } from './endpoint-store.ts';
import type { PostOutcome } from './webhook-sender.ts';

/**
 * One endpoint's deliveries from one directory. A lane is sent by one worker at a time, in sequence order, and waits
 * as a whole while a delivery in it waits for a retry: a receiver gets a directory's events in order, one at a time,
 * and a receiver that is down costs one request per retry, not one per event.
 */
export interface Lane {
  endpointId: string;
  directoryId: string;
}

export type PendingDelivery = EventRow & { deliveryId: string; attempts: number };

/** One attempt to send a delivery: when it started, what came back, and what that means. */
export interface RecordedAttempt {
  delivery: PendingDelivery;
  outcome: PostOutcome;
  verdict: Verdict;
  at: Date;
}

const laneOf = (row: { endpoint_id: string; directory_id: string }): Lane => ({ endpointId: row.endpoint_id, directoryId: row.directory_id });
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The delivery side of the webhook tables: lanes leased to workers, the deliveries pending in a lane, and each attempt's
 * record. A lane is leased in a short transaction — on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so instances claiming
 * at once take different lanes — and the lease is renewed with each recorded attempt. A worker that dies holds its
 * lanes until their leases run out; then another takes them and sends again what had no recorded answer.
 */
export class DeliveryQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    /** How long a lane stays with its worker without a recorded attempt: longer than one attempt can take. */
    private readonly leaseMs: number,
  ) {}

  /** Leases up to `limit` free lanes of enabled endpoints that have deliveries pending and none waiting, to `owner`. */
  claimLanes(owner: string, limit: number): Promise<Lane[]> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date();
      const pendingIn = (eb: ExpressionBuilder<Database & { c: WebhookCursorTable }, 'c'>) =>
        eb
          .selectFrom('webhook_deliveries as d')
          .select('d.id')
          .whereRef('d.endpoint_id', '=', 'c.endpoint_id')
          .whereRef('d.directory_id', '=', 'c.directory_id')
          .where('d.status', '=', 'pending');
      const free = await trx
        .selectFrom('webhook_cursors as c')
        .select(['c.endpoint_id', 'c.directory_id'])
        .where('c.endpoint_id', 'in', (eb) => eb.selectFrom('webhook_endpoints').select('id').where('enabled', '=', 1))
        .where((eb) => eb.or([eb('c.lease_expires_at', 'is', null), eb('c.lease_expires_at', '<=', now.toISOString())]))
        .where((eb) => eb.exists(pendingIn(eb)))
        .where((eb) => eb.not(eb.exists(pendingIn(eb).where('d.next_attempt_at', '>', now.toISOString()))))
        .limit(limit)
        .$if(this.dialect === 'postgres', (q) => q.forUpdate().skipLocked())
        .execute();
      for (const lane of free) {
        await trx
          .updateTable('webhook_cursors')
          .set({ lease_owner: owner, lease_expires_at: iso(now.getTime() + this.leaseMs) })
          .where('endpoint_id', '=', lane.endpoint_id)
          .where('directory_id', '=', lane.directory_id)
          .execute();
      }
      return free.map(laneOf);
    });
  }

  /** The lane's next pending deliveries, lowest sequence first (a replay of an event goes after its first delivery). */
  async pending(lane: Lane, limit: number): Promise<PendingDelivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('changes as c', (join) => join.onRef('c.directory_id', '=', 'd.directory_id').onRef('c.seq', '=', 'd.seq'))
      .select(['d.id as deliveryId', 'd.attempts', 'c.directory_id', 'c.seq', 'c.event_id', 'c.type', 'c.attributes', 'c.data', 'c.created_at'])
      .where('d.endpoint_id', '=', lane.endpointId)
      .where('d.directory_id', '=', lane.directoryId)
      .where('d.status', '=', 'pending')
      .orderBy('d.seq')
      .orderBy('d.created_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
  }

  /**
   * Records attempts of one lane and what follows from them, and renews the lane's lease, in one transaction: a
   * worker sending a fast receiver writes once per batch, not once per event, so delivery leaves the database to the
   * SCIM requests. Returns whether `owner` still holds the lane: false when its lease ran out and another worker may
   * have taken it.
   */
  record(owner: string, lane: Lane, attempts: readonly RecordedAttempt[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      if (attempts.length > 0) {
        await trx
          .insertInto('webhook_attempts')
          .values(
            attempts.map(({ delivery, outcome, verdict, at }) => ({
              delivery_id: delivery.deliveryId,
              at: at.toISOString(),
              status_code: outcome.status,
              latency_ms: outcome.latencyMs,
              response_excerpt: outcome.excerpt,
              error: verdict.kind === 'succeeded' ? outcome.error : verdict.error,
            })),
          )
          .execute();
      }
      const update = (ids: string[]) =>
        trx
          .updateTable('webhook_deliveries')
          .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
          .where('id', 'in', ids)
          // A delivery another worker finished meanwhile (after this one's lease ran out) keeps its outcome.
          .where('status', '=', 'pending');
      const succeeded = attempts.filter((a) => a.verdict.kind === 'succeeded').map((a) => a.delivery.deliveryId);
      if (succeeded.length > 0) await update(succeeded).set({ status: 'succeeded', completed_at: now }).execute();
      for (const { delivery, verdict } of attempts) {
        if (verdict.kind === 'retry') {
          await update([delivery.deliveryId]).set({ next_attempt_at: verdict.at.toISOString() }).execute();
        } else if (verdict.kind === 'give-up') {
          await update([delivery.deliveryId]).set({ status: 'failed', completed_at: now }).execute();
          await new EndpointStore(trx).disable(lane.endpointId, verdict.reason, now);
        }
      }
      const renewed = await trx
        .updateTable('webhook_cursors')
        .set({ lease_expires_at: iso(Date.now() + this.leaseMs) })
        .where('endpoint_id', '=', lane.endpointId)
        .where('directory_id', '=', lane.directoryId)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(renewed.numUpdatedRows) > 0;
    });
  }

  /** Frees a lane at once (nothing more due, or the worker is stopping), unless another worker holds it by now. */
  async release(owner: string, lane: Lane): Promise<void> {
    await this.db
      .updateTable('webhook_cursors')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('endpoint_id', '=', lane.endpointId)
      .where('directory_id', '=', lane.directoryId)
      .where('lease_owner', '=', owner)
      .execute();
  }
}
