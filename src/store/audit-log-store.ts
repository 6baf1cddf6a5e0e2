import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  organizationId: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
}

/** Admin actions, newest first when read. */
export class AuditLogStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at: entry.at,
        actor: entry.actor,
        organization_id: entry.organizationId,
        action: entry.action,
        target: entry.target,
        details: JSON.stringify(entry.details),
        request_id: entry.requestId,
      })
      .execute();
  }

  /** Entries older than `beforeId` (newest first), of one organization or of all. */
  async page(query: { organizationId?: string; beforeId?: number; limit: number }): Promise<AuditEntry[]> {
    let select = this.db.selectFrom('audit_log').selectAll();
    if (query.organizationId !== undefined) select = select.where('organization_id', '=', query.organizationId);
    if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
    const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      at: row.at,
      actor: row.actor,
      organizationId: row.organization_id,
      action: row.action,
      target: row.target,
      details: JSON.parse(row.details) as Record<string, unknown>,
      requestId: row.request_id,
    }));
  }
}
