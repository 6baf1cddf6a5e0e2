import type { Kysely, Selectable } from 'kysely';
import type { Database, SetupLinkTable } from './database.ts';

export interface SetupLinkRecord {
  id: string;
  organizationId: string;
  prefix: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const toRecord = (row: Selectable<SetupLinkTable>): SetupLinkRecord => ({
  id: row.id,
  organizationId: row.organization_id,
  prefix: row.prefix,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

/** Customer setup links, stored as SHA-256 hashes only. */
export class SetupLinkStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(link: SetupLinkRecord & { hash: string }): Promise<void> {
    await this.db
      .insertInto('setup_links')
      .values({
        id: link.id,
        organization_id: link.organizationId,
        hash: link.hash,
        prefix: link.prefix,
        created_by: link.createdBy,
        created_at: link.createdAt,
        expires_at: link.expiresAt,
      })
      .execute();
  }

  async list(organizationId: string): Promise<SetupLinkRecord[]> {
    return (await this.db.selectFrom('setup_links').selectAll().where('organization_id', '=', organizationId).orderBy('created_at', 'desc').execute()).map(toRecord);
  }

  async get(id: string): Promise<SetupLinkRecord | undefined> {
    const row = await this.db.selectFrom('setup_links').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async byHash(hash: string): Promise<(SetupLinkRecord & { hash: string }) | undefined> {
    const row = await this.db.selectFrom('setup_links').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && { ...toRecord(row), hash: row.hash };
  }

  /** Revokes the link and ends the sessions it opened; false when there was no active link with that id. */
  async revoke(id: string, at: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('setup_links').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      await trx.deleteFrom('admin_sessions').where('setup_link_id', '=', id).execute();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('setup_links').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
