import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

/**
 * Roster as an OpenID provider for the host app: the provider's state (sessions, codes, grants, interactions), kept in
 * the database so any instance can take any step of a sign-in; the host app's registered clients; the keys; and the
 * one-time links where people choose a built-in password.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { text } = columnTypes(db);

  await db.schema
    .createTable('oidc_payloads')
    .addColumn('id', text, (c) => c.notNull())
    /** The oidc-provider model: Session, Grant, Interaction, AuthorizationCode, AccessToken, … */
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('payload', text, (c) => c.notNull())
    .addColumn('grant_id', text)
    .addColumn('uid', text)
    .addColumn('user_code', text)
    /** The account a Session belongs to, so switching a user's login method can end their sessions. */
    .addColumn('account_id', text)
    .addColumn('expires_at', text)
    .addColumn('consumed_at', text)
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['kind', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').columns(['grant_id']).execute();
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').columns(['uid']).execute();
  await db.schema.createIndex('oidc_payloads_account').on('oidc_payloads').columns(['account_id']).execute();
  await db.schema.createIndex('oidc_payloads_expires').on('oidc_payloads').columns(['expires_at']).execute();

  await db.schema
    .createTable('oidc_clients')
    .addColumn('client_id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    /** JSON: redirect_uris, post_logout_redirect_uris, application_type, token_endpoint_auth_method. */
    .addColumn('metadata', text, (c) => c.notNull())
    /** Sealed; null for a public client (a mobile or desktop app, with PKCE). */
    .addColumn('client_secret', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();

  // One-time links where a person chooses a built-in password; kept as SHA-256 hashes.
  await db.schema
    .createTable('password_links')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('oidc_keys')
    // `signing` (the private JWK that signs ID tokens) or `cookies` (the keys that sign the provider's cookies).
    .addColumn('id', text, (c) => c.primaryKey())
    /** Sealed with the key from the environment. */
    .addColumn('value', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
}
