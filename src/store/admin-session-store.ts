import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** A session with what it stands for: an operator account, or a setup link of one organization. */
export interface StoredSession {
  id: string;
  csrfToken: string;
  expiresAt: string;
  admin: { id: string; username: string } | null;
  setupLink: { id: string; prefix: string; organizationId: string; organizationName: string; expiresAt: string; revokedAt: string | null } | null;
}

/** Browser sessions of the admin portal, keyed by the SHA-256 of the cookie's value. */
export class AdminSessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: { id: string; adminId: string | null; setupLinkId: string | null; csrfToken: string; createdAt: string; expiresAt: string }): Promise<void> {
    await this.db
      .insertInto('admin_sessions')
      .values({
        id: session.id,
        admin_id: session.adminId,
        setup_link_id: session.setupLinkId,
        csrf_token: session.csrfToken,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const row = await this.db
      .selectFrom('admin_sessions as s')
      .leftJoin('admins as a', 'a.id', 's.admin_id')
      .leftJoin('setup_links as l', 'l.id', 's.setup_link_id')
      .leftJoin('organizations as o', 'o.id', 'l.organization_id')
      .select([
        's.id',
        's.csrf_token',
        's.expires_at',
        'a.id as admin_id',
        'a.username',
        'l.id as link_id',
        'l.prefix as link_prefix',
        'l.organization_id',
        'o.name as organization_name',
        'l.expires_at as link_expires_at',
        'l.revoked_at as link_revoked_at',
      ])
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
      admin: row.admin_id ? { id: row.admin_id, username: row.username! } : null,
      setupLink: row.link_id
        ? {
            id: row.link_id,
            prefix: row.link_prefix!,
            organizationId: row.organization_id!,
            organizationName: row.organization_name ?? '',
            expiresAt: row.link_expires_at!,
            revokedAt: row.link_revoked_at,
          }
        : null,
    };
  }

  async extend(id: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('admin_sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('admin_sessions').where('id', '=', id).execute();
  }

  /** Ends every session of an operator (a new password). */
  async deleteForAdmin(adminId: string): Promise<void> {
    await this.db.deleteFrom('admin_sessions').where('admin_id', '=', adminId).execute();
  }

  /** Sessions past their end are refused when read; this removes them, so the table does not grow forever. */
  async deleteExpired(now: string): Promise<void> {
    await this.db.deleteFrom('admin_sessions').where('expires_at', '<', now).execute();
  }
}
