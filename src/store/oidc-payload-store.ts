import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from './database.ts';

/**
 * oidc-provider's storage, in the database: one adapter per model (Session, Grant, Interaction, AuthorizationCode…),
 * so that every step of a sign-in can land on any Roster instance. Expired rows are ignored when read and removed now
 * and then.
 */
export class OidcPayloadStore implements Adapter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const now = Date.now();
    const row = {
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      uid: payload.uid ?? null,
      user_code: payload.userCode ?? null,
      account_id: this.kind === 'Session' ? (payload.accountId ?? null) : null,
      expires_at: expiresIn ? new Date(now + expiresIn * 1000).toISOString() : null,
    };
    await this.db
      .insertInto('oidc_payloads')
      .values({ id, kind: this.kind, consumed_at: null, ...row })
      .onConflict((oc) => oc.columns(['kind', 'id']).doUpdateSet(row))
      .execute();
    if (Math.random() < 0.001) await this.db.deleteFrom('oidc_payloads').where('expires_at', '<', new Date(now).toISOString()).execute();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.first((q) => q.where('id', '=', id));
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.first((q) => q.where('uid', '=', uid));
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.first((q) => q.where('user_code', '=', userCode));
  }

  async consume(id: string): Promise<void> {
    await this.db.updateTable('oidc_payloads').set({ consumed_at: new Date().toISOString() }).where('kind', '=', this.kind).where('id', '=', id).execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('kind', '=', this.kind).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
  }

  private async first(where: (query: ReturnType<OidcPayloadStore['select']>) => ReturnType<OidcPayloadStore['select']>): Promise<AdapterPayload | undefined> {
    const row = await where(this.select()).executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= new Date().toISOString())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return row.consumed_at ? { ...payload, consumed: Math.floor(Date.parse(row.consumed_at) / 1000) } : payload;
  }

  private select() {
    return this.db.selectFrom('oidc_payloads').select(['payload', 'expires_at', 'consumed_at']).where('kind', '=', this.kind);
  }
}

/** Ends every provider session of an account (its login method changed): the host app's next request signs in anew. */
export async function endSessionsOf(db: Kysely<Database>, accountId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('kind', '=', 'Session').where('account_id', '=', accountId).execute();
}
