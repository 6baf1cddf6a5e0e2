import type { Kysely, Selectable } from 'kysely';
import type { Database, DirectoryTable, TokenTable } from './database.ts';
import type { EventType } from '../events/event-type.ts';
import { type ChangeEntry, ChangeLog } from './change-log.ts';
import { PreparedQuery } from './prepared-query.ts';

function directoryEvent(type: EventType, directory: { id: string; name: string; provider: string }): ChangeEntry {
  return { type, resourceType: 'Directory', resourceId: directory.id, attributes: [], data: { directory } };
}

export interface DirectoryRecord {
  id: string;
  organizationId: string;
  name: string;
  provider: string;
  /** Parsed `settings` JSON: attribute rules and provider overrides (owned by the directory service). */
  settings: Record<string, unknown>;
  createdAt: string;
  activatedAt: string | null;
  userCount: number;
  groupCount: number;
}

export interface OrganizationRecord {
  id: string;
  name: string;
  createdAt: string;
  directoryCount: number;
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
    // Set for every directory since organizations exist (migration 0002 gave older ones their own).
    organizationId: row.organization_id ?? row.id,
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

  private readonly changeLog: ChangeLog;

  constructor(private readonly db: Kysely<Database>) {
    this.changeLog = new ChangeLog(db);
    // A deleted directory is gone for every reader; only its events remain.
    this.byId = new PreparedQuery((p) => db.selectFrom('directories').selectAll().where('id', '=', p('id')).where('deleted_at', 'is', null));
    this.byHash = new PreparedQuery((p) => db.selectFrom('tokens').select(['id', 'directory_id', 'hash', 'revoked_at']).where('hash', '=', p('hash')));
  }

  private rows(organizationId?: string) {
    let query = this.db.selectFrom('directories').selectAll().where('deleted_at', 'is', null);
    if (organizationId !== undefined) query = query.where('organization_id', '=', organizationId);
    return query.orderBy('created_at').execute();
  }

  /** Every directory, or those of one organization. */
  async list(organizationId?: string): Promise<DirectoryRecord[]> {
    return (await this.rows(organizationId)).map(toDirectory);
  }

  async get(id: string): Promise<DirectoryRecord | undefined> {
    const row = await this.byId.first(this.db, { id });
    return row && toDirectory(row);
  }

  /** Creates the directory, and its organization when `organization` is new. */
  async create(
    directory: { id: string; name: string; provider: string; settings: Record<string, unknown> },
    organization: { id: string; name: string; isNew: boolean },
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      if (organization.isNew) await trx.insertInto('organizations').values({ id: organization.id, name: organization.name, created_at: now }).execute();
      await trx
        .insertInto('directories')
        .values({ ...directory, organization_id: organization.id, settings: JSON.stringify(directory.settings), created_at: now })
        .execute();
    });
  }

  async organization(id: string): Promise<{ id: string; name: string } | undefined> {
    return this.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  }

  /** Organizations, oldest first, with how many live directories each has. */
  async organizations(): Promise<OrganizationRecord[]> {
    const rows = await this.db
      .selectFrom('organizations as o')
      .select(['o.id', 'o.name', 'o.created_at'])
      .select((eb) =>
        eb
          .selectFrom('directories as d')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('d.organization_id', '=', 'o.id')
          .where('d.deleted_at', 'is', null)
          .as('directory_count'),
      )
      .orderBy('o.created_at')
      .orderBy('o.id')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, directoryCount: Number(r.directory_count ?? 0) }));
  }

  async createOrganization(organization: { id: string; name: string }): Promise<OrganizationRecord> {
    const createdAt = new Date().toISOString();
    await this.db.insertInto('organizations').values({ ...organization, created_at: createdAt }).execute();
    return { ...organization, createdAt, directoryCount: 0 };
  }

  async saveSettings(id: string, settings: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('directories').set({ settings: JSON.stringify(settings) }).where('id', '=', id).execute();
  }

  /**
   * Marks the first authenticated request from the IdP and records `dsync.directory.activated`; later calls (from
   * this instance or another) change nothing.
   */
  async markActivated(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('directories')
        .set({ activated_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('activated_at', 'is', null)
        .returning(['id', 'name', 'provider'])
        .executeTakeFirst();
      if (row) await this.changeLog.append(trx, id, [directoryEvent('dsync.directory.activated', row)]);
    });
  }

  /**
   * Deletes a directory: its users, groups and tokens go at once (the IdP can no longer reach it), and
   * `dsync.directory.deleted` tells the host app to drop its copies. Its events stay readable until retention.
   */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('directories')
        .set({ deleted_at: new Date().toISOString(), user_count: 0, group_count: 0 })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returning(['id', 'name', 'provider'])
        .executeTakeFirst();
      if (!row) return false;
      await trx.deleteFrom('group_members').where('directory_id', '=', id).execute();
      await trx.deleteFrom('groups').where('directory_id', '=', id).execute();
      await trx.deleteFrom('users').where('directory_id', '=', id).execute();
      await trx.deleteFrom('tokens').where('directory_id', '=', id).execute();
      await this.changeLog.append(trx, id, [directoryEvent('dsync.directory.deleted', row)]);
      return true;
    });
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
