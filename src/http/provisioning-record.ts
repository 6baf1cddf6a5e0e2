import type { FastifyInstance } from 'fastify';
import type { ProvisioningLogStore } from '../store/provisioning-log-store.ts';

/** What the routes learn about a SCIM request while handling it; written to the provisioning log when it ends. */
export interface ProvisioningRecord {
  directoryId?: string;
  resourceType?: string;
  resourceId?: string;
  label?: string;
  error?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    provisioning: ProvisioningRecord;
  }
}

/** Records every request that named a real directory (authenticated or not: a wrong token is worth seeing too). */
export function registerProvisioningLog(app: FastifyInstance, log: ProvisioningLogStore): void {
  app.decorateRequest('provisioning', null as unknown as ProvisioningRecord);
  app.addHook('onRequest', async (request) => {
    request.provisioning = {};
  });
  app.addHook('onResponse', async (request, reply) => {
    const record = request.provisioning;
    if (!record?.directoryId) return;
    log.append({
      directory_id: record.directoryId,
      at: new Date().toISOString(),
      request_id: String(request.id),
      method: request.method,
      path: request.url,
      status: reply.statusCode,
      resource_type: record.resourceType ?? null,
      resource_id: record.resourceId ?? null,
      label: record.label ?? null,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      error: record.error ?? null,
    });
  });
}
