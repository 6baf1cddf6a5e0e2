import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.ts';

/**
 * Organizations (the host app's customers, which own directories), their API keys, and webhook delivery: endpoints,
 * the deliveries due to each, every attempt, and how far each endpoint has taken each directory's events.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { text, serialKey } = columnTypes(db);

  await db.schema
    .createTable('organizations')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('directories').addColumn('organization_id', text, (c) => c.references('organizations.id')).execute();
  // A deleted directory stops answering SCIM at once; its events stay readable until retention removes them.
  await db.schema.alterTable('directories').addColumn('deleted_at', text).execute();
  // Directories made before organizations existed each get an organization of their own, with the same id and name.
  await sql`insert into organizations (id, name, created_at) select id, name, created_at from directories`.execute(db);
  await sql`update directories set organization_id = id`.execute(db);
  await db.schema.createIndex('directories_organization').on('directories').columns(['organization_id']).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', text, (c) => c.primaryKey())
    // Null: a global key, for the operator's scripts across organizations.
    .addColumn('organization_id', text, (c) => c.references('organizations.id').onDelete('cascade'))
    .addColumn('hash', text, (c) => c.notNull().unique())
    .addColumn('prefix', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_used_at', text)
    .addColumn('revoked_at', text)
    .execute();

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    // Null: every directory of the organization.
    .addColumn('directory_id', text, (c) => c.references('directories.id').onDelete('cascade'))
    .addColumn('url', text, (c) => c.notNull())
    .addColumn('description', text)
    /** JSON array of event types; empty means all. */
    .addColumn('event_types', text, (c) => c.notNull().defaultTo('[]'))
    /** The signing secret, encrypted with the key from the environment. */
    .addColumn('secret', text, (c) => c.notNull())
    /** The secret before the last rotation, still signing (beside the new one) until `previous_secret_expires_at`. */
    .addColumn('previous_secret', text)
    .addColumn('previous_secret_expires_at', text)
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled_reason', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_organization').on('webhook_endpoints').columns(['organization_id']).execute();

  // How far each endpoint has enqueued each directory's events: fan-out runs beside SCIM, never inside its requests.
  await db.schema
    .createTable('webhook_cursors')
    .addColumn('endpoint_id', text, (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('directory_id', text, (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    // The cursor is also the delivery lane: one worker at a time sends an endpoint one directory's events, in sequence
    // order. The lease says which worker and until when; a crashed worker's lane is free again once it expires.
    .addColumn('lease_owner', text)
    .addColumn('lease_expires_at', text)
    .addPrimaryKeyConstraint('webhook_cursors_pk', ['endpoint_id', 'directory_id'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('endpoint_id', text, (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('directory_id', text, (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    /** pending | succeeded | failed (gave up) | cancelled (endpoint disabled) */
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('completed_at', text)
    .execute();
  // A replay makes a new delivery of the same event, so (endpoint, directory, seq) is not unique; the cursor
  // guarantees each event is enqueued once by fan-out.
  await db.schema
    .createIndex('webhook_deliveries_lane')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'directory_id', 'status', 'next_attempt_at'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', serialKey)
    .addColumn('delivery_id', text, (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'real', (c) => c.notNull())
    /** The first bytes of the receiver's answer, or the network error. */
    .addColumn('response_excerpt', text)
    .addColumn('error', text)
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id']).execute();
}
