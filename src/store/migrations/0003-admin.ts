import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

/**
 * The admin portal and API: operator accounts, browser sessions (of operators, or of a customer's IT admin who
 * opened a setup link), setup links, and the audit log of admin actions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { text, serialKey } = columnTypes(db);

  await db.schema
    .createTable('admins')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('username', text, (c) => c.notNull())
    // Lower-cased: "Alice" and "alice" are one account.
    .addColumn('username_key', text, (c) => c.notNull().unique())
    /** scrypt, with its parameters and salt: `scrypt$N$r$p$salt$hash` (base64). */
    .addColumn('password_hash', text, (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_sign_in_at', text)
    .execute();

  await db.schema
    .createTable('setup_links')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('hash', text, (c) => c.notNull().unique())
    .addColumn('prefix', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('revoked_at', text)
    .addColumn('last_used_at', text)
    .execute();
  await db.schema.createIndex('setup_links_organization').on('setup_links').columns(['organization_id']).execute();

  await db.schema
    .createTable('admin_sessions')
    // SHA-256 of the cookie's value: a copy of the table opens no session.
    .addColumn('id', text, (c) => c.primaryKey())
    // One of the two: an operator's session, or a setup link's (scoped to the link's organization).
    .addColumn('admin_id', text, (c) => c.references('admins.id').onDelete('cascade'))
    .addColumn('setup_link_id', text, (c) => c.references('setup_links.id').onDelete('cascade'))
    .addColumn('csrf_token', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', serialKey)
    .addColumn('at', text, (c) => c.notNull())
    /** `operator:<name>`, `setup-link:<prefix>` or `api-key:<prefix>`. */
    .addColumn('actor', text, (c) => c.notNull())
    .addColumn('organization_id', text)
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('target', text)
    /** JSON object: what the action changed, never a secret. */
    .addColumn('details', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('request_id', text)
    .execute();
  await db.schema.createIndex('audit_log_organization').on('audit_log').columns(['organization_id', 'id']).execute();

  // The portal's chart of requests per hour reads one directory's last day of log.
  await db.schema.createIndex('provisioning_log_directory_at').on('provisioning_log').columns(['directory_id', 'at']).execute();
}
