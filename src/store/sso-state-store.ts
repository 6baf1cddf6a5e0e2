import type { Kysely, Selectable } from 'kysely';
import type { Database, SsoStateTable } from './database.ts';

export type SsoStateRow = Selectable<SsoStateTable>;

/** Sign-ins sent to Entra and not back yet: each state is taken once, then gone. */
export class SsoStateStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: SsoStateRow): Promise<void> {
    await this.db.insertInto('sso_states').values(row).execute();
    if (Math.random() < 0.01) await this.db.deleteFrom('sso_states').where('expires_at', '<', row.created_at).execute();
  }

  /** Removes the state and returns it: a second callback with the same state finds nothing (a replay). */
  take(id: string): Promise<SsoStateRow | undefined> {
    return this.db.deleteFrom('sso_states').where('id', '=', id).returningAll().executeTakeFirst();
  }
}
