import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { EVENT_TYPES, type EventType, isEventType } from '../events/event-type.ts';
import type { Database } from '../store/database.ts';
import { checkDestination, DestinationRefused } from './destination-guard.ts';
import { DEFAULT_ROTATION_OVERLAP_MS, newSecret, rotate } from './endpoint-secrets.ts';
import { EndpointStore, type StoredEndpoint, type WebhookEndpoint } from './endpoint-store.ts';
import { newDelivery } from './fan-out.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { sendEvent } from './webhook-message.ts';
import { type PostOutcome, WebhookSender } from './webhook-sender.ts';
import { WebhookError } from './webhook-error.ts';

export interface WebhookServiceOptions {
  secrets: () => SecretBox;
  allowPrivateDestinations: boolean;
  /** The time limit of `sendTest` (default 10 s). */
  timeoutMs?: number;
}

export interface NewEndpoint {
  /** Optional when `directoryId` is given: the directory's organization. */
  organizationId?: string;
  directoryId?: string;
  url: string;
  /** Empty or absent: every event type. */
  eventTypes?: string[];
  description?: string;
}

/** Which events a replay sends again: one, or those that occurred in [since, until). */
export type ReplayRange = { eventId: string } | { since: string; until?: string };

export interface DeliveryRecord {
  id: string;
  eventId: string | null;
  type: string | null;
  directoryId: string;
  sequence: number;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  completedAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

/** Rows per insert when a replay enqueues many events (well under SQLite's limit on bound values). */
const INSERT_CHUNK = 500;

const publicView = ({ secrets: _secrets, ...endpoint }: StoredEndpoint): WebhookEndpoint => endpoint;

/** Managing webhook endpoints, as `roster webhook …` does: add, list, rotate, replay, test, and what was delivered. */
export class WebhookService {
  private readonly endpoints: EndpointStore;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: WebhookServiceOptions,
  ) {
    this.endpoints = new EndpointStore(db);
  }

  /** Adds an endpoint; the returned `whsec_` secret is stored only encrypted and cannot be shown again. */
  async add(input: NewEndpoint): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const organizationId = await this.organizationOf(input);
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw new WebhookError(`${input.url} is not a URL`);
    }
    try {
      await checkDestination(url, this.options.allowPrivateDestinations);
    } catch (error) {
      if (error instanceof DestinationRefused) throw new WebhookError(error.message);
      throw error;
    }
    const now = new Date().toISOString();
    const endpoint: WebhookEndpoint = {
      id: randomUUID(),
      organizationId,
      directoryId: input.directoryId ?? null,
      url: url.toString(),
      description: input.description ?? null,
      eventTypes: eventTypes(input.eventTypes ?? []),
      enabled: true,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
    };
    const { secret, sealed } = newSecret(this.options.secrets(), endpoint.id);
    await this.endpoints.insert(endpoint, sealed);
    return { endpoint, secret };
  }

  async list(organizationId?: string): Promise<WebhookEndpoint[]> {
    return (await this.endpoints.list(organizationId)).map(publicView);
  }

  async get(id: string): Promise<WebhookEndpoint> {
    return publicView(await this.require(id));
  }

  async remove(id: string): Promise<void> {
    if (!(await this.endpoints.remove(id))) throw new WebhookError(`no webhook endpoint with id ${id}`);
  }

  async enable(id: string): Promise<void> {
    if (!(await this.endpoints.enable(id, new Date().toISOString()))) throw new WebhookError(`no webhook endpoint with id ${id}`);
  }

  /** Makes a new secret; the old one keeps signing beside it for `overlapMs`, while the receiver switches. */
  async rotateSecret(id: string, overlapMs = DEFAULT_ROTATION_OVERLAP_MS): Promise<{ secret: string; previousExpiresAt: string }> {
    const now = new Date();
    const { secret, secrets } = rotate(this.options.secrets(), await this.require(id), overlapMs, now);
    await this.endpoints.saveSecrets(id, secrets, now.toISOString());
    return { secret, previousExpiresAt: secrets.previousExpiresAt! };
  }

  /**
   * Sends events again as new deliveries, with their original ids (`webhook-id`), so a receiver that already has them
   * drops them. Only events the endpoint covers: its organization or directory, and its event types.
   */
  async replay(id: string, range: ReplayRange): Promise<number> {
    const endpoint = await this.require(id);
    const eventId = 'eventId' in range ? range.eventId : undefined;
    const since = 'since' in range ? instant('--since', range.since) : undefined;
    const until = 'since' in range && range.until !== undefined ? instant('--until', range.until) : undefined;
    const events = await this.db
      .selectFrom('changes as c')
      .innerJoin('directories as d', 'd.id', 'c.directory_id')
      .select(['c.directory_id', 'c.seq'])
      .where('d.organization_id', '=', endpoint.organizationId)
      .$if(endpoint.directoryId !== null, (q) => q.where('c.directory_id', '=', endpoint.directoryId!))
      .$if(endpoint.eventTypes.length > 0, (q) => q.where('c.type', 'in', endpoint.eventTypes))
      .$if(eventId !== undefined, (q) => q.where('c.event_id', '=', eventId!))
      .$if(since !== undefined, (q) => q.where('c.created_at', '>=', since!))
      .$if(until !== undefined, (q) => q.where('c.created_at', '<', until!))
      .orderBy('c.directory_id')
      .orderBy('c.seq')
      .execute();
    if (eventId !== undefined && events.length === 0) {
      throw new WebhookError(`endpoint ${id} has no event ${eventId}: it is unknown, of another organization or directory, or of a type the endpoint does not take`);
    }
    const now = new Date().toISOString();
    for (let i = 0; i < events.length; i += INSERT_CHUNK) {
      const chunk = events.slice(i, i + INSERT_CHUNK);
      await this.db.insertInto('webhook_deliveries').values(chunk.map((event) => newDelivery(id, event.directory_id, event.seq, now))).execute();
    }
    return events.length;
  }

  /** Recent deliveries to an endpoint, newest first, with the answer to the last attempt of each. */
  async deliveries(id: string, limit = 20): Promise<DeliveryRecord[]> {
    await this.require(id);
    const rows = await this.db
      .selectFrom('webhook_deliveries as w')
      .leftJoin('changes as c', (join) => join.onRef('c.directory_id', '=', 'w.directory_id').onRef('c.seq', '=', 'w.seq'))
      .select((eb) => {
        const lastAttempt = () => eb.selectFrom('webhook_attempts as a').whereRef('a.delivery_id', '=', 'w.id').orderBy('a.id', 'desc').limit(1);
        return [
          'w.id',
          'c.event_id',
          'c.type',
          'w.directory_id',
          'w.seq',
          'w.status',
          'w.attempts',
          'w.next_attempt_at',
          'w.created_at',
          'w.completed_at',
          lastAttempt().select('a.status_code').as('last_status'),
          lastAttempt().select('a.error').as('last_error'),
        ];
      })
      .where('w.endpoint_id', '=', id)
      .orderBy('w.created_at', 'desc')
      .orderBy('w.seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      type: r.type,
      directoryId: r.directory_id,
      sequence: r.seq,
      status: r.status,
      attempts: Number(r.attempts),
      nextAttemptAt: r.next_attempt_at,
      createdAt: r.created_at,
      completedAt: r.completed_at,
      lastStatus: r.last_status ?? null,
      lastError: r.last_error ?? null,
    }));
  }

  /** Sends a `webhook.test` event (not in the change log, never retried) and returns the receiver's answer. */
  async sendTest(id: string): Promise<PostOutcome> {
    const endpoint = await this.require(id);
    const sender = new WebhookSender(this.options);
    try {
      const event = {
        id: `evt_${randomUUID().replaceAll('-', '')}`,
        type: 'webhook.test' as const,
        organizationId: endpoint.organizationId,
        directoryId: endpoint.directoryId,
        occurredAt: new Date().toISOString(),
        data: { endpointId: endpoint.id },
      };
      return await sendEvent(sender, this.options.secrets(), endpoint, event);
    } finally {
      sender.close();
    }
  }

  private async require(id: string): Promise<StoredEndpoint> {
    const endpoint = await this.endpoints.get(id);
    if (!endpoint) throw new WebhookError(`no webhook endpoint with id ${id}`);
    return endpoint;
  }

  private async organizationOf(input: NewEndpoint): Promise<string> {
    if (input.directoryId !== undefined) {
      const directory = await this.db
        .selectFrom('directories')
        .select('organization_id')
        .where('id', '=', input.directoryId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!directory) throw new WebhookError(`no directory with id ${input.directoryId}`);
      if (input.organizationId !== undefined && input.organizationId !== directory.organization_id) {
        throw new WebhookError(`directory ${input.directoryId} belongs to organization ${directory.organization_id}, not ${input.organizationId}`);
      }
      return directory.organization_id ?? input.directoryId;
    }
    if (input.organizationId === undefined) throw new WebhookError('a webhook endpoint needs an organization or a directory');
    const organization = await this.db.selectFrom('organizations').select('id').where('id', '=', input.organizationId).executeTakeFirst();
    if (!organization) throw new WebhookError(`no organization with id ${input.organizationId}`);
    return organization.id;
  }
}

/** A time the operator gave, as the ISO-8601 UTC text the change log stores (so that text order is time order). */
function instant(option: string, value: string): string {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new WebhookError(`${option} must be a date and time such as 2025-01-31T09:00:00Z, not ${value}`);
  return new Date(at).toISOString();
}

function eventTypes(names: string[]): EventType[] {
  const unknown = names.filter((name) => !isEventType(name));
  if (unknown.length > 0) throw new WebhookError(`unknown event type ${unknown.join(', ')}: use ${EVENT_TYPES.join(', ')}`);
  return [...new Set(names as EventType[])];
}
