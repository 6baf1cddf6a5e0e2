import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  const append = (request: FastifyRequest, reply: FastifyReply) => {
    const record = request.provisioning;
    if (!record?.directoryId) return;
    request.provisioning = {}; // recorded once, whichever of onResponse and close comes first
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
  };
  app.addHook('onRequest', async (request, reply) => {
    request.provisioning = {};
    // Fastify runs onResponse only for a response that finished. A streamed body that fails after its headers have
    // gone (send-scim-json.ts) is cut short instead, and only closes: it is recorded then.
    reply.raw.once('close', () => reply.raw.writableFinished || append(request, reply));
  });
  app.addHook('onResponse', async (request, reply) => append(request, reply));
}
