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

  /** A new password also lifts a lock. */
  async setPassword(id: string, passwordHash: string, at: string): Promise<void> {
    await this.db.updateTable('accounts').set({ password_hash: passwordHash, failed_attempts: 0, locked_until: null, updated_at: at }).where('id', '=', id).execute();
  }

  guests(organizationId: string): Promise<AccountRow[]> {
    return this.db.selectFrom('accounts').selectAll().where('organization_id', '=', organizationId).where('user_id', 'is', null).orderBy('created_at').execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('accounts').where('id', '=', id).execute();
  }

  async insertPasswordLink(link: { id: string; accountId: string; createdAt: string; expiresAt: string }): Promise<void> {
    await this.db.insertInto('password_links').values({ id: link.id, account_id: link.accountId, created_at: link.createdAt, expires_at: link.expiresAt }).execute();
  }

  /** Removes the link and returns it: a link sets one password, once. */
  takePasswordLink(id: string): Promise<{ account_id: string; expires_at: string } | undefined> {
    return this.db.deleteFrom('password_links').where('id', '=', id).returning(['account_id', 'expires_at']).executeTakeFirst();
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

  /**
   * What the ID token tells the host app about an account: the provisioned user's resource and groups, if any.
   * Undefined for an account whose user was deleted or deactivated.
   */
  async profile(accountId: string): Promise<{ account: AccountRow; doc: Record<string, unknown> | null; groups: string[] } | undefined> {
    const account = await this.byId(accountId);
    if (!account) return undefined;
    if (!account.user_id) return { account, doc: null, groups: [] };
    const user = await this.db.selectFrom('users').select(['doc', 'active']).where('id', '=', account.user_id).executeTakeFirst();
    // A deactivated user has no profile to sign in with: the provider then ends the sessions it finds for them.
    if (!user || Number(user.active) !== 1) return undefined;
    const groups = await this.db
      .selectFrom('group_members as m')
      .innerJoin('groups as g', 'g.id', 'm.group_id')
      .select('g.display_name')
      .where('m.member_id', '=', account.user_id)
      .orderBy('g.display_name')
      .execute();
    return { account, doc: JSON.parse(user.doc) as Record<string, unknown>, groups: groups.map((g) => g.display_name) };
  }

  /**
   * Who a sign-in name is: provisioned users with that userName and guests with that username, in one organization or
   * in all. More than one (the same name in two organizations) means the app must say which organization.
   */
  async signInCandidates(name: string, organizationId?: string): Promise<Array<{ organizationId: string; userId: string | null; accountId: string | null }>> {
    const key = name.trim().toLowerCase();
    let users = this.db
      .selectFrom('users as u')
      .innerJoin('directories as d', 'd.id', 'u.directory_id')
      .select(['d.organization_id', 'u.id'])
      .where('u.user_name_key', '=', key)
      .where('d.deleted_at', 'is', null);
    if (organizationId) users = users.where('d.organization_id', '=', organizationId);
    let guests = this.db.selectFrom('accounts').select(['organization_id', 'id']).where('user_id', 'is', null).where('username_key', '=', key);
    if (organizationId) guests = guests.where('organization_id', '=', organizationId);
    const [provisioned, guest] = await Promise.all([users.limit(5).execute(), guests.limit(5).execute()]);
    return [
      ...provisioned.map((u) => ({ organizationId: u.organization_id!, userId: u.id, accountId: null })),
      ...guest.map((g) => ({ organizationId: g.organization_id, userId: null, accountId: g.id })),
    ];
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
