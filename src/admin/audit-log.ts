import type { AuditEntry, AuditLogStore } from '../store/audit-log-store.ts';
import { actorOf, type Principal } from './principal.ts';

export interface AuditContext {
  principal: Principal | string;
  requestId?: string;
}

/** Records what admins did, for the audit log page and API. Details never hold a secret. */
export class AuditLog {
  constructor(private readonly store: AuditLogStore) {}

  record(
    context: AuditContext,
    action: string,
    entry: { organizationId?: string | null; target?: string | null; details?: Record<string, unknown> } = {},
  ): Promise<void> {
    return this.store.insert({
      at: new Date().toISOString(),
      actor: typeof context.principal === 'string' ? context.principal : actorOf(context.principal),
      organizationId: entry.organizationId ?? null,
      action,
      target: entry.target ?? null,
      details: entry.details ?? {},
      requestId: context.requestId ?? null,
    });
  }

  page(query: { organizationId?: string; beforeId?: number; limit: number }): Promise<AuditEntry[]> {
    return this.store.page(query);
  }
}
