import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { eventFromRow } from '../events/event-from-row.ts';
import type { Connection, DialectName } from '../store/connect.ts';
import type { Database } from '../store/database.ts';
import { judge } from './attempt-verdict.ts';
import { DeliveryQueue, type Lane, type RecordedAttempt } from './delivery-queue.ts';
import { EndpointStore } from './endpoint-store.ts';
import { FanOut } from './fan-out.ts';
import { RetrySchedule } from './retry-schedule.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { sendEvent } from './webhook-message.ts';
import { WebhookSender } from './webhook-sender.ts';

export interface DeliveryWorkerOptions {
  /** The box that opens the endpoints' signing secrets (made on first use: see secret-key.ts). */
  secrets: () => SecretBox;
  allowPrivateDestinations: boolean;
  /** The longest one attempt may take (default 10 s). */
  timeoutMs?: number;
  /** How often the worker looks for new events and due retries (default 250 ms). */
  pollIntervalMs?: number;
  /** Waits between attempts (default: retry-schedule.ts, about 3 days in all); tests use milliseconds. */
  retryDelaysMs?: readonly number[];
  /** Lanes (endpoint × directory) this instance sends at once (default 8). */
  concurrency?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 250;
const DEFAULT_CONCURRENCY = 8;
/** Deliveries read from a lane, and attempts recorded, at a time. */
const BATCH = 50;
/** The longest a sent delivery waits to be recorded (the lease is renewed then too). */
const RECORD_EVERY_MS = 1_000;

/**
 * Posts the webhooks: each poll it fans new events out into deliveries, leases the lanes that have deliveries to
 * send, and sends each lane in order, recording every attempt. It runs beside the SCIM requests, never in them.
 * Stopping aborts the requests in flight (their deliveries stay pending, so they are sent again: at least once) and
 * frees the lanes for another instance at once.
 */
export class DeliveryWorker {
  private readonly owner = randomUUID();
  private readonly stopping = new AbortController();
  private readonly lanes = new Set<Promise<void>>();
  private readonly fanOut: FanOut;
  private readonly queue: DeliveryQueue;
  private readonly endpoints: EndpointStore;
  private readonly sender: WebhookSender;
  private readonly schedule: RetrySchedule;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private loop: Promise<void> | undefined;

  constructor(
    db: Kysely<Database>,
    dialect: DialectName,
    private readonly options: DeliveryWorkerOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.sender = new WebhookSender(options);
    // A lane's lease must outlast one attempt and the recording of it, with room for a slow database.
    this.queue = new DeliveryQueue(db, dialect, 2 * this.sender.timeoutMs + 5_000);
    this.fanOut = new FanOut(db, dialect);
    this.endpoints = new EndpointStore(db);
    this.schedule = new RetrySchedule(options.retryDelaysMs);
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  }

  /**
   * Fails at once when the key does not open the stored secrets (a wrong or missing ROSTER_SECRET_KEY), rather than
   * failing every delivery later; with no endpoint, no key is needed.
   */
  async checkSecrets(): Promise<void> {
    for (const endpoint of await this.endpoints.list()) {
      if (endpoint.enabled) this.options.secrets().open(endpoint.secrets.current, endpoint.id);
    }
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await Promise.all(this.lanes);
    this.sender.close();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.fanOut.run();
        const free = this.concurrency - this.lanes.size;
        if (free > 0) for (const lane of await this.queue.claimLanes(this.owner, free)) this.send(lane);
      } catch (error) {
        // The database may be briefly unreachable (a failover, a restart): try again at the next poll.
        this.log.warn({ err: error }, 'webhook delivery: poll failed; retrying');
      }
      await sleep(this.pollIntervalMs, undefined, { signal: this.stopping.signal }).catch(() => {});
    }
  }

  private send(lane: Lane): void {
    const sending = this.sendLane(lane).finally(() => this.lanes.delete(sending));
    this.lanes.add(sending);
  }

  /**
   * Sends the lane's pending deliveries in order, until none is left, one waits for a retry, or the worker stops.
   * Attempts are recorded a batch at a time (and at least every RECORD_EVERY_MS, which also renews the lease): a
   * crash before a batch is recorded sends its events again, which at-least-once delivery allows and `webhook-id`
   * lets the receiver drop.
   */
  private async sendLane(lane: Lane): Promise<void> {
    let held = true;
    let unrecorded: RecordedAttempt[] = [];
    let recordedAt = Date.now();
    const recordNow = async () => {
      held = await this.queue.record(this.owner, lane, unrecorded);
      unrecorded = [];
      recordedAt = Date.now();
    };
    try {
      let open = true;
      while (open && held && !this.stopped) {
        // Read anew for each batch: the endpoint may have been disabled, rotated or removed meanwhile.
        const endpoint = await this.endpoints.get(lane.endpointId);
        const pending = endpoint?.enabled ? await this.queue.pending(lane, BATCH) : [];
        if (pending.length === 0) break;
        for (const delivery of pending) {
          const at = new Date();
          const outcome = await sendEvent(this.sender, this.options.secrets(), endpoint!, eventFromRow(delivery, endpoint!.organizationId), this.stopping.signal);
          // Cut off by stop() before any answer: nothing to record, and the delivery stays pending.
          if (this.stopped && outcome.status === null) break;
          const verdict = judge(outcome, delivery.attempts + 1, this.schedule, new Date());
          unrecorded.push({ delivery, outcome, verdict, at });
          open = verdict.kind === 'succeeded';
          if (!open || this.stopped) break;
          if (Date.now() - recordedAt >= RECORD_EVERY_MS) await recordNow();
          if (!held) break;
        }
        if (held) await recordNow();
      }
    } catch (error) {
      this.log.error({ err: error, lane }, 'webhook delivery: a lane failed; it is retried at the next poll');
    } finally {
      if (held && unrecorded.length > 0) await recordNow().catch((error: unknown) => this.log.warn({ err: error, lane }, 'webhook delivery: could not record attempts'));
      if (held) await this.queue.release(this.owner, lane).catch((error: unknown) => this.log.warn({ err: error, lane }, 'webhook delivery: could not free a lane'));
    }
  }
}

/** Runs a delivery worker for as long as `app` runs: `roster serve` does, unless told --no-webhooks. */
export async function runDeliveryWorker(app: FastifyInstance, { db, dialect }: Connection, options: DeliveryWorkerOptions): Promise<void> {
  const worker = new DeliveryWorker(db, dialect, options, app.log);
  await worker.checkSecrets();
  worker.start();
  app.addHook('onClose', () => worker.stop());
}
