import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AccountTable, Database } from './database.ts';

export type AccountRow = Selectable<AccountTable>;

/** A provisioned user of an organization's directories, as sign-in needs it. */
export interface ProvisionedUser {
  id: string;
  directoryId: string;
  userName: string;
  externalId: string | null;
  active: boolean;
}

/** The accounts people sign in as, and the provisioned users they are linked to. */
export class AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  byEntraOid(organizationId: string, oid: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('organization_id', '=', organizationId).where('entra_oid', '=', oid).executeTakeFirst();
  }

  byUser(userId: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  byId(id: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(row: Insertable<AccountTable>): Promise<AccountRow> {
    return this.db.insertInto('accounts').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** The account of a provisioned user, made (login method external) on first need; two first sign-ins make one. */
  async forUser(organizationId: string, userId: string, at: string): Promise<AccountRow> {
    await this.db
      .insertInto('accounts')
      .values({ id: userId, organization_id: organizationId, user_id: userId, login_method: 'external', created_at: at, updated_at: at })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return (await this.byId(userId))!;
  }

  async linkEntraOid(id: string, oid: string, at: string): Promise<void> {
    await this.db.updateTable('accounts').set({ entra_oid: oid, updated_at: at }).where('id', '=', id).execute();
  }

  /** The live users of the organization's live directories with this externalId (there may be several directories). */
  usersByExternalId(organizationId: string, externalId: string): Promise<ProvisionedUser[]> {
    return this.users(organizationId).where('u.external_id', '=', externalId).execute().then((rows) => rows.map(toUser));
  }

  /** The same by userName, compared as SCIM does (case-insensitive: the indexed lower-cased key). */
  usersByUserName(organizationId: string, userName: string): Promise<ProvisionedUser[]> {
    return this.users(organizationId).where('u.user_name_key', '=', userName.toLowerCase()).execute().then((rows) => rows.map(toUser));
  }

  user(id: string): Promise<ProvisionedUser | undefined> {
    return this.db
      .selectFrom('users as u')
      .select(['u.id', 'u.directory_id', 'u.user_name', 'u.external_id', 'u.active'])
      .where('u.id', '=', id)
      .executeTakeFirst()
      .then((row) => row && toUser(row));
  }

  private users(organizationId: string) {
    return this.db
      .selectFrom('users as u')
      .innerJoin('directories as d', 'd.id', 'u.directory_id')
      .select(['u.id', 'u.directory_id', 'u.user_name', 'u.external_id', 'u.active'])
      .where('d.organization_id', '=', organizationId)
      .where('d.deleted_at', 'is', null)
      .limit(2);
  }
}

function toUser(row: { id: string; directory_id: string; user_name: string; external_id: string | null; active: number }): ProvisionedUser {
  return { id: row.id, directoryId: row.directory_id, userName: row.user_name, externalId: row.external_id, active: Number(row.active) === 1 };
}
