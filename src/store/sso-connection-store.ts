import type { Kysely, Selectable } from 'kysely';
import type { Database, SsoConnectionTable } from './database.ts';

export type SsoConnectionRow = Selectable<SsoConnectionTable>;

/** Each organization's Entra ID connection (at most one). */
export class SsoConnectionStore {
  constructor(private readonly db: Kysely<Database>) {}

  get(organizationId: string): Promise<SsoConnectionRow | undefined> {
    return this.db.selectFrom('sso_connections').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
  }

  async save(row: SsoConnectionRow): Promise<void> {
    const { organization_id: _, created_at: __, ...changes } = row;
    await this.db
      .insertInto('sso_connections')
      .values(row)
      .onConflict((oc) => oc.column('organization_id').doUpdateSet(changes))
      .execute();
  }

  async remove(organizationId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sso_connections').where('organization_id', '=', organizationId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
