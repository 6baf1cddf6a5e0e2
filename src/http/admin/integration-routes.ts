import type { FastifyInstance } from 'fastify';
import { invalidRequest, notFound } from '../../api/api-error.ts';
import { DEFAULT_SETUP_LINK_HOURS, MAX_SETUP_LINK_HOURS } from '../../admin/setup-links.ts';
import { actorOf } from '../../admin/principal.ts';
import { EVENT_TYPES } from '../../events/event-type.ts';
import type { ReplayRange } from '../../webhooks/webhook-service.ts';
import { WebhookError } from '../../webhooks/webhook-error.ts';
import { SecretError } from '../../secrets/secret-error.ts';
import type { AdminServices } from './admin-services.ts';
import { type AdminRequest, audit, beforeId, body, pageRequest, parameter, refusing } from './admin-request.ts';

const newEndpoint = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2000 },
    directoryId: { type: ['string', 'null'] },
    eventTypes: { type: 'array', items: { type: 'string', enum: [...EVENT_TYPES] } },
    description: { type: ['string', 'null'], maxLength: 500 },
  },
} as const;
const replay = {
  type: 'object',
  additionalProperties: false,
  properties: { eventId: { type: 'string', minLength: 1 }, since: { type: 'string', minLength: 1 }, until: { type: 'string', minLength: 1 } },
} as const;
const newSetupLink = {
  type: 'object',
  additionalProperties: false,
  properties: { expiresInHours: { type: 'integer', minimum: 1, maximum: MAX_SETUP_LINK_HOURS } },
} as const;

/** What adding or sending to a webhook may refuse: a URL that is not one, a private address, no key for secrets. */
const WEBHOOK_REFUSALS = [WebhookError, SecretError];

/**
 * The operator's integration with their own app: webhook endpoints and their deliveries, API keys, customer setup
 * links, and the audit log. A setup link's session may use none of these (403).
 */
export async function integrationRoutes(app: FastifyInstance, services: AdminServices): Promise<void> {
  const { scope, webhooks, setupLinks, apiKeys } = services;
  app.addHook('preValidation', async (request) => scope.requireIntegrations(request.principal));
  const record = (request: AdminRequest, action: string, entry: Parameters<AdminServices['audit']['record']>[2]) => services.audit.record(audit(request), action, entry);

  const endpointOf = async (request: AdminRequest) => {
    const id = request.params.id!;
    const endpoint = await webhooks.get(id).catch(() => undefined);
    if (!endpoint) throw notFound(`no webhook endpoint with id ${id}`);
    scope.owns(request.principal, endpoint.organizationId, `webhook endpoint with id ${id}`);
    return endpoint;
  };

  let tags = ['Webhooks'];
  app.get('/event-types', { schema: { tags, summary: 'The event types an endpoint can subscribe to' } }, async () => ({ data: EVENT_TYPES }));
  app.get('/organizations/:orgId/webhooks', { schema: { tags, summary: "An organization's webhook endpoints" } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    return { data: await webhooks.list(id) };
  });
  app.post('/organizations/:orgId/webhooks', { schema: { tags, summary: 'Add an endpoint; its signing secret is shown once', body: newEndpoint } }, async (request: AdminRequest, reply) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    const input = body(request) as { url: string; directoryId?: string | null; eventTypes?: string[]; description?: string | null };
    if (input.directoryId) {
      const directory = await scope.directory(request.principal, input.directoryId);
      if (directory.organizationId !== id) throw invalidRequest(`directory ${input.directoryId} is not in this organization`);
    }
    const created = await refusing(WEBHOOK_REFUSALS, () =>
      webhooks.add({ organizationId: id, url: input.url, directoryId: input.directoryId ?? undefined, eventTypes: input.eventTypes, description: input.description ?? undefined }),
    );
    await record(request, 'webhook.created', { organizationId: id, target: created.endpoint.id, details: { url: created.endpoint.url, eventTypes: created.endpoint.eventTypes } });
    return reply.code(201).send(created);
  });
  app.get('/webhooks/:id', { schema: { tags, summary: 'A webhook endpoint' } }, async (request: AdminRequest) => endpointOf(request));
  app.delete('/webhooks/:id', { schema: { tags, summary: 'Remove an endpoint' } }, async (request: AdminRequest, reply) => {
    const endpoint = await endpointOf(request);
    await webhooks.remove(endpoint.id);
    await record(request, 'webhook.removed', { organizationId: endpoint.organizationId, target: endpoint.id, details: { url: endpoint.url } });
    return reply.code(204).send();
  });
  app.post('/webhooks/:id/enable', { schema: { tags, summary: 'Enable an endpoint again (after a 410 or giving up)' } }, async (request: AdminRequest) => {
    const endpoint = await endpointOf(request);
    await webhooks.enable(endpoint.id);
    await record(request, 'webhook.enabled', { organizationId: endpoint.organizationId, target: endpoint.id });
    return webhooks.get(endpoint.id);
  });
  app.post('/webhooks/:id/rotate-secret', { schema: { tags, summary: 'New signing secret; the old one signs too for 24 hours' } }, async (request: AdminRequest) => {
    const endpoint = await endpointOf(request);
    const rotated = await refusing(WEBHOOK_REFUSALS, () => webhooks.rotateSecret(endpoint.id));
    await record(request, 'webhook.secret_rotated', { organizationId: endpoint.organizationId, target: endpoint.id });
    return rotated;
  });
  app.post('/webhooks/:id/test', { schema: { tags, summary: 'Send a signed test event and return the answer' } }, async (request: AdminRequest) => {
    const endpoint = await endpointOf(request);
    const { status, latencyMs, excerpt, error } = await refusing(WEBHOOK_REFUSALS, () => webhooks.sendTest(endpoint.id));
    await record(request, 'webhook.tested', { organizationId: endpoint.organizationId, target: endpoint.id, details: { status } });
    return { status, latencyMs, excerpt, error };
  });
  app.post('/webhooks/:id/replay', { schema: { tags, summary: 'Send an event, or the events of a time range, again', body: replay } }, async (request: AdminRequest) => {
    const endpoint = await endpointOf(request);
    const input = body(request) as { eventId?: string; since?: string; until?: string };
    let range: ReplayRange;
    if (input.eventId !== undefined) range = { eventId: input.eventId };
    else if (input.since !== undefined) range = { since: input.since, ...(input.until !== undefined ? { until: input.until } : {}) };
    else throw invalidRequest('give eventId, or since (and until)');
    const enqueued = await refusing(WEBHOOK_REFUSALS, () => webhooks.replay(endpoint.id, range));
    await record(request, 'webhook.replayed', { organizationId: endpoint.organizationId, target: endpoint.id, details: { ...input, enqueued } });
    return { enqueued };
  });
  app.get('/webhooks/:id/deliveries', { schema: { tags, summary: 'Recent deliveries to an endpoint, newest first' } }, async (request: AdminRequest) => {
    const endpoint = await endpointOf(request);
    return { data: await webhooks.deliveries(endpoint.id, pageRequest(request).limit) };
  });

  tags = ['Setup links'];
  app.get('/organizations/:orgId/setup-links', { schema: { tags, summary: "An organization's setup links" } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    return { data: await setupLinks.list(id) };
  });
  app.post('/organizations/:orgId/setup-links', { schema: { tags, summary: `A link for the customer's IT admin (default ${DEFAULT_SETUP_LINK_HOURS} h); shown once`, body: newSetupLink } }, async (request: AdminRequest, reply) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    const hours = (body(request).expiresInHours as number | undefined) ?? DEFAULT_SETUP_LINK_HOURS;
    const created = await setupLinks.create({ organizationId: id, createdBy: actorOf(request.principal), baseUrl: services.publicUrl(request), hours });
    await record(request, 'setup_link.created', { organizationId: id, target: created.link.id, details: { prefix: created.link.prefix, expiresAt: created.link.expiresAt } });
    return reply.code(201).send(created);
  });
  app.delete('/setup-links/:id', { schema: { tags, summary: 'Revoke a setup link and end its sessions' } }, async (request: AdminRequest, reply) => {
    const link = await setupLinks.get(request.params.id!);
    if (!link) throw notFound(`no setup link with id ${request.params.id}`);
    scope.owns(request.principal, link.organizationId, `setup link with id ${link.id}`);
    await setupLinks.revoke(link.id);
    await record(request, 'setup_link.revoked', { organizationId: link.organizationId, target: link.id, details: { prefix: link.prefix } });
    return reply.code(204).send();
  });

  tags = ['API keys'];
  app.get('/organizations/:orgId/api-keys', { schema: { tags, summary: "An organization's API keys" } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    return { data: await apiKeys.list(id) };
  });
  app.post('/organizations/:orgId/api-keys', { schema: { tags, summary: 'Create an API key for the organization; shown once' } }, async (request: AdminRequest, reply) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    const created = await apiKeys.create(id);
    await record(request, 'api_key.created', { organizationId: id, target: created.record.id, details: { prefix: created.record.prefix } });
    return reply.code(201).send(created);
  });
  app.delete('/api-keys/:id', { schema: { tags, summary: 'Revoke an API key' } }, async (request: AdminRequest, reply) => {
    const key = (await apiKeys.list()).find((k) => k.id === request.params.id && k.revokedAt === null);
    if (!key) throw notFound(`no active API key with id ${request.params.id}`);
    scope.owns(request.principal, key.organizationId, `active API key with id ${key.id}`);
    await apiKeys.revoke(key.id);
    await record(request, 'api_key.revoked', { organizationId: key.organizationId, target: key.id, details: { prefix: key.prefix } });
    return reply.code(204).send();
  });

  tags = ['Audit log'];
  app.get('/audit-log', { schema: { tags, summary: 'Admin actions, newest first' } }, async (request: AdminRequest) => {
    const requested = parameter(request, 'organization');
    const scoped = request.principal.kind === 'api-key' ? request.principal.organizationId : null;
    const organizationId = requested !== undefined ? (await scope.organization(request.principal, requested)).id : (scoped ?? undefined);
    const { limit } = pageRequest(request);
    const entries = await services.audit.page({ organizationId, beforeId: beforeId(request), limit: limit + 1 });
    const page = entries.slice(0, limit);
    return { data: page, next: entries.length > limit ? String(page.at(-1)!.id) : null };
  });
}
