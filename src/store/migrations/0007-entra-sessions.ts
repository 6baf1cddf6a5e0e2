import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

/**
 * Entra ID sessions people signed in to Roster with (the ID token's `sid`), so that Entra's front-channel logout,
 * which names only that `sid`, can end their Roster sessions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { text } = columnTypes(db);
  await db.schema
    .createTable('entra_sessions')
    /** SHA-256 of Entra's `sid`: knowing it is enough to sign the person out. */
    .addColumn('sid_hash', text, (c) => c.notNull())
    .addColumn('account_id', text, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', text, (c) => c.notNull())
    /** Past this, Roster's own session has ended anyway. */
    .addColumn('expires_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('entra_sessions_pk', ['sid_hash', 'account_id'])
    .execute();
  await db.schema.createIndex('entra_sessions_expires').on('entra_sessions').column('expires_at').execute();
}
