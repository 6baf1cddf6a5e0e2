import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect/dialect-of.ts';
import { columnTypes } from './column-types.ts';

/**
 * An Entra ID connection may have no client secret: Roster then signs in as a public client, with PKCE alone, through
 * the redirect URI registered on Entra's *Mobile and desktop applications* platform. `client_secret` becomes nullable.
 * PostgreSQL drops the constraint in place; SQLite cannot alter a column, so the table is rebuilt with its rows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await db.schema.alterTable('sso_connections').alterColumn('client_secret', (column) => column.dropNotNull()).execute();
    return;
  }
  const { text } = columnTypes(db);
  await db.schema
    .createTable('sso_connections_rebuilt')
    .addColumn('organization_id', text, (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('client_id', text, (c) => c.notNull())
    .addColumn('tenant_id', text, (c) => c.notNull())
    .addColumn('issuer', text, (c) => c.notNull())
    /** The client secret, sealed; null for a public client. */
    .addColumn('client_secret', text)
    .addColumn('client_secret_expires_at', text)
    .addColumn('just_in_time', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  const columns = ['organization_id', 'client_id', 'tenant_id', 'issuer', 'client_secret', 'client_secret_expires_at', 'just_in_time', 'created_at', 'updated_at'];
  await db.insertInto('sso_connections_rebuilt').columns(columns).expression(db.selectFrom('sso_connections').select(columns)).execute();
  await db.schema.dropTable('sso_connections').execute();
  await db.schema.alterTable('sso_connections_rebuilt').renameTo('sso_connections').execute();
}
