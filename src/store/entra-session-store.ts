import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { endSessionsOf } from './oidc-payload-store.ts';

/** Which accounts signed in to Roster through which Entra ID session (by the hash of its `sid`). */
export class EntraSessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async remember(sidHash: string, accountId: string, expiresAt: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .insertInto('entra_sessions')
      .values({ sid_hash: sidHash, account_id: accountId, created_at: now, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['sid_hash', 'account_id']).doUpdateSet({ expires_at: expiresAt }))
      .execute();
    if (Math.random() < 0.01) await this.db.deleteFrom('entra_sessions').where('expires_at', '<', now).execute();
  }

  /**
   * Entra ended that session: ends the Roster sessions of every account that signed in through it, and forgets it.
   * Roster cannot tell which of an account's sessions came from that Entra session, so it ends them all: signing out
   * of Entra signs the person out of Roster in every browser. Returns how many accounts it signed out.
   */
  async end(sidHash: string): Promise<number> {
    const rows = await this.db.deleteFrom('entra_sessions').where('sid_hash', '=', sidHash).returning('account_id').execute();
    for (const { account_id } of rows) await endSessionsOf(this.db, account_id);
    return rows.length;
  }
}
