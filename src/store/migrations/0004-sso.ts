import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

/**
 * Single sign-on: each organization's connection to its Entra ID tenant, the sign-ins in progress (single-use), and
 * the accounts people sign in as: a provisioned user (with the Entra object id it was linked to and its login
 * method), or a guest with a built-in password.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { text } = columnTypes(db);

  await db.schema
    .createTable('sso_connections')
    .addColumn('organization_id', text, (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('client_id', text, (c) => c.notNull())
    .addColumn('tenant_id', text, (c) => c.notNull())
    /** The v2.0 issuer the tenant's ID tokens carry, e.g. https://login.microsoftonline.com/{tenant}/v2.0. */
    .addColumn('issuer', text, (c) => c.notNull())
    /** The client secret, sealed with the key from the environment (as webhook secrets are). */
    .addColumn('client_secret', text, (c) => c.notNull())
    .addColumn('client_secret_expires_at', text)
    /** 1: a person Entra signs in who is not provisioned gets an account; 0: refused. */
    .addColumn('just_in_time', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sso_states')
    // SHA-256 of the `state` sent to Entra: each may come back once.
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('code_verifier', text, (c) => c.notNull())
    .addColumn('nonce', text, (c) => c.notNull())
    /** What the sign-in is for: JSON, e.g. an admin's test, or the host app's authorization request. */
    .addColumn('purpose', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    // A provisioned user's account has the user's id; a guest's a new one.
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    /** The SCIM user, for a provisioned person; null for a guest. */
    .addColumn('user_id', text, (c) => c.unique())
    /** external (Entra ID) or built-in (a password kept by Roster). */
    .addColumn('login_method', text, (c) => c.notNull())
    /** Entra's immutable object id, once linked. */
    .addColumn('entra_oid', text)
    /** A guest's sign-in name (lower-cased in username_key); provisioned users sign in by their userName. */
    .addColumn('username', text)
    .addColumn('username_key', text)
    .addColumn('display_name', text)
    .addColumn('email', text)
    .addColumn('password_hash', text)
    /** Wrong built-in passwords in a row, and the lock they earned (the same throttle as operators'). */
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_entra_oid').on('accounts').columns(['organization_id', 'entra_oid']).unique().execute();
  await db.schema.createIndex('accounts_username').on('accounts').columns(['organization_id', 'username_key']).unique().execute();
}
