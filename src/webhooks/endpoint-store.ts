import type { Kysely, Selectable } from 'kysely';
import type { EventType } from '../events/event-type.ts';
import type { Database, WebhookEndpointTable } from '../store/database.ts';

/** A webhook endpoint as the operator sees it (never its secrets). */
export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  /** Null: every directory of the organization, including those created later. */
  directoryId: string | null;
  url: string;
  description: string | null;
  /** Empty: every event type. */
  eventTypes: EventType[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The signing secrets as stored: sealed by the SecretBox. */
export interface SealedSecrets {
  current: string;
  /** The secret before the last rotation, signing beside the current one until `previousExpiresAt`. */
  previous: string | null;
  previousExpiresAt: string | null;
}

export type StoredEndpoint = WebhookEndpoint & { secrets: SealedSecrets };

function fromRow(row: Selectable<WebhookEndpointTable>): StoredEndpoint {
  return {
    id: row.id,
    organizationId: row.organization_id,
    directoryId: row.directory_id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as EventType[],
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    secrets: { current: row.secret, previous: row.previous_secret, previousExpiresAt: row.previous_secret_expires_at },
  };
}

/** Webhook endpoints, and what changes along with one: its cursors when added, its pending deliveries when disabled. */
export class EndpointStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds an endpoint and starts it at the present: its cursors begin at each directory's latest event, so it gets the
   * events from now on (the events API and `replay` serve the past). A directory created later starts at its first.
   */
  async insert(endpoint: WebhookEndpoint, sealedSecret: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_endpoints')
        .values({
          id: endpoint.id,
          organization_id: endpoint.organizationId,
          directory_id: endpoint.directoryId,
          url: endpoint.url,
          description: endpoint.description,
          event_types: JSON.stringify(endpoint.eventTypes),
          secret: sealedSecret,
          enabled: 1,
          created_at: endpoint.createdAt,
          updated_at: endpoint.updatedAt,
        })
        .execute();
      await trx
        .insertInto('webhook_cursors')
        .columns(['endpoint_id', 'directory_id', 'seq'])
        .expression((eb) =>
          eb
            .selectFrom('directories')
            .select((s) => [s.val(endpoint.id).as('endpoint_id'), 'id as directory_id', 'change_seq as seq'])
            .where('organization_id', '=', endpoint.organizationId)
            .$if(endpoint.directoryId !== null, (q) => q.where('id', '=', endpoint.directoryId!)),
        )
        .execute();
    });
  }

  async get(id: string): Promise<StoredEndpoint | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(organizationId?: string): Promise<StoredEndpoint[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .$if(organizationId !== undefined, (q) => q.where('organization_id', '=', organizationId!))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  /** Removes the endpoint with its cursors, deliveries and attempts. */
  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async saveSecrets(id: string, secrets: SealedSecrets, now: string): Promise<void> {
    await this.db
      .updateTable('webhook_endpoints')
      .set({ secret: secrets.current, previous_secret: secrets.previous, previous_secret_expires_at: secrets.previousExpiresAt, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Turns delivery back on where it stopped: the delivery that gave up and those cancelled with it are pending again,
   * with a fresh set of attempts, and the cursors kept their place, so the events since follow.
   */
  async enable(id: string, now: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('webhook_endpoints').set({ enabled: 1, disabled_reason: null, updated_at: now }).where('id', '=', id).executeTakeFirst();
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now, completed_at: null })
        .where('endpoint_id', '=', id)
        .where('status', 'in', ['cancelled', 'failed'])
        // Events that retention has removed meanwhile cannot be sent; those deliveries stay as they are.
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('changes')
              .select('changes.seq')
              .whereRef('changes.directory_id', '=', 'webhook_deliveries.directory_id')
              .whereRef('changes.seq', '=', 'webhook_deliveries.seq'),
          ),
        )
        .execute();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  /** Stops delivery to the endpoint and cancels what it still had pending (call inside a transaction). */
  async disable(id: string, reason: string, now: string): Promise<void> {
    await this.db.updateTable('webhook_endpoints').set({ enabled: 0, disabled_reason: reason, updated_at: now }).where('id', '=', id).execute();
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'cancelled', completed_at: now })
      .where('endpoint_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }
}
