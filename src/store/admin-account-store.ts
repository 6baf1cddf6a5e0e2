import type { Kysely, Selectable } from 'kysely';
import type { AdminTable, Database } from './database.ts';

export type AdminRow = Selectable<AdminTable>;

/** Operator accounts of the admin portal. */
export class AdminAccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(admin: { id: string; username: string; passwordHash: string }): Promise<void> {
    await this.db
      .insertInto('admins')
      .values({ id: admin.id, username: admin.username, username_key: admin.username.toLowerCase(), password_hash: admin.passwordHash, created_at: new Date().toISOString() })
      .execute();
  }

  byUsername(username: string): Promise<AdminRow | undefined> {
    return this.db.selectFrom('admins').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
  }

  byId(id: string): Promise<AdminRow | undefined> {
    return this.db.selectFrom('admins').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<AdminRow[]> {
    return this.db.selectFrom('admins').selectAll().orderBy('created_at').execute();
  }

  async recordSignIn(id: string, at: string): Promise<void> {
    await this.db.updateTable('admins').set({ last_sign_in_at: at }).where('id', '=', id).execute();
  }

  /** A new password also lifts a lock. */
  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('admins').set({ password_hash: passwordHash, failed_attempts: 0, locked_until: null }).where('id', '=', id).execute();
  }
}
