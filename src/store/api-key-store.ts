import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyTable, Database } from './database.ts';
import { PreparedQuery } from './prepared-query.ts';

export interface ApiKeyRecord {
  id: string;
  /** Null for a global key. */
  organizationId: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function toApiKey(row: Selectable<ApiKeyTable>): ApiKeyRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** The host app's API keys, stored as SHA-256 hashes only. */
export class ApiKeyStore {
  // Read on every API request whose key is not cached yet: compiled once.
  private readonly byHash: PreparedQuery<{ hash: string }, Selectable<ApiKeyTable>>;

  constructor(private readonly db: Kysely<Database>) {
    this.byHash = new PreparedQuery((p) => db.selectFrom('api_keys').selectAll().where('hash', '=', p('hash')));
  }

  async insert(key: { id: string; organizationId: string | null; hash: string; prefix: string }): Promise<ApiKeyRecord> {
    const row = await this.db
      .insertInto('api_keys')
      .values({ id: key.id, organization_id: key.organizationId, hash: key.hash, prefix: key.prefix, created_at: new Date().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toApiKey(row);
  }

  /** Every key, or only those of `organizationId`; oldest first. */
  async list(organizationId?: string): Promise<ApiKeyRecord[]> {
    let query = this.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id');
    if (organizationId !== undefined) query = query.where('organization_id', '=', organizationId);
    return (await query.execute()).map(toApiKey);
  }

  async findByHash(hash: string): Promise<(ApiKeyRecord & { hash: string }) | undefined> {
    const row = await this.byHash.first(this.db, { hash });
    return row && { ...toApiKey(row), hash: row.hash };
  }

  async touch(id: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: new Date().toISOString() }).where('id', '=', id).execute();
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
