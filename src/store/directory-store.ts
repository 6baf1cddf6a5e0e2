import type { Kysely, Selectable } from 'kysely';
import type { Database, DirectoryTable, TokenTable } from './database.ts';
import { PreparedQuery } from './prepared-query.ts';

export interface DirectoryRecord {
  id: string;
  name: string;
  provider: string;
  /** Parsed `settings` JSON: attribute rules and provider overrides (owned by the directory service). */
  settings: Record<string, unknown>;
  createdAt: string;
  activatedAt: string | null;
  userCount: number;
  groupCount: number;
}

export interface TokenRecord {
  id: string;
  directoryId: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type DirectoryRow = Awaited<ReturnType<DirectoryStore['rows']>>[number];

function toDirectory(row: DirectoryRow): DirectoryRecord {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    userCount: Number(row.user_count),
    groupCount: Number(row.group_count),
  };
}

/** Directories and their Secret Tokens (stored as SHA-256 hashes only). */
export class DirectoryStore {
  // Read on every request whose credentials are not cached yet: compiled once.
  private readonly byId: PreparedQuery<{ id: string }, Selectable<DirectoryTable>>;
  private readonly byHash: PreparedQuery<{ hash: string }, Pick<Selectable<TokenTable>, 'id' | 'directory_id' | 'hash' | 'revoked_at'>>;

  constructor(private readonly db: Kysely<Database>) {
    this.byId = new PreparedQuery((p) => db.selectFrom('directories').selectAll().where('id', '=', p('id')));
    this.byHash = new PreparedQuery((p) => db.selectFrom('tokens').select(['id', 'directory_id', 'hash', 'revoked_at']).where('hash', '=', p('hash')));
  }

  private rows() {
    return this.db.selectFrom('directories').selectAll().orderBy('created_at').execute();
  }

  async list(): Promise<DirectoryRecord[]> {
    return (await this.rows()).map(toDirectory);
  }

  async get(id: string): Promise<DirectoryRecord | undefined> {
    const row = await this.byId.first(this.db, { id });
    return row && toDirectory(row);
  }

  async create(directory: { id: string; name: string; provider: string; settings: Record<string, unknown> }): Promise<void> {
    await this.db
      .insertInto('directories')
      .values({ ...directory, settings: JSON.stringify(directory.settings), created_at: new Date().toISOString() })
      .execute();
  }

  async saveSettings(id: string, settings: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('directories').set({ settings: JSON.stringify(settings) }).where('id', '=', id).execute();
  }

  /** Marks the first authenticated request from the IdP; later calls change nothing. */
  async markActivated(id: string): Promise<void> {
    await this.db.updateTable('directories').set({ activated_at: new Date().toISOString() }).where('id', '=', id).where('activated_at', 'is', null).execute();
  }

  async insertToken(token: { id: string; directoryId: string; hash: string; prefix: string }): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({ id: token.id, directory_id: token.directoryId, hash: token.hash, prefix: token.prefix, created_at: new Date().toISOString() })
      .execute();
  }

  /** Runs `work` in a transaction; used where a count must hold while a row is added (the two-token limit). */
  transaction<T>(work: (store: DirectoryStore) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new DirectoryStore(trx)));
  }

  async tokens(directoryId: string): Promise<TokenRecord[]> {
    const rows = await this.db.selectFrom('tokens').selectAll().where('directory_id', '=', directoryId).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, directoryId: r.directory_id, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
  }

  async tokenByHash(hash: string): Promise<{ id: string; directoryId: string; hash: string; revoked: boolean } | undefined> {
    const row = await this.byHash.first(this.db, { hash });
    return row && { id: row.id, directoryId: row.directory_id, hash: row.hash, revoked: row.revoked_at !== null };
  }

  async touchToken(id: string): Promise<void> {
    await this.db.updateTable('tokens').set({ last_used_at: new Date().toISOString() }).where('id', '=', id).execute();
  }

  async revokeToken(id: string): Promise<boolean> {
    const result = await this.db.updateTable('tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
