import type { FastifyInstance } from 'fastify';
import { notFound } from '../../api/api-error.ts';
import { apiDirectory } from '../../api/directory-reader.ts';
import { explainLogEntry } from '../../admin/log-explanation.ts';
import { organizationScope } from '../../admin/principal.ts';
import type { AttributeRules } from '../../directory/attribute-rules.ts';
import { DirectoryError, MAX_ACTIVE_TOKENS } from '../../directory/directory-service.ts';
import { PROVIDERS } from '../../directory/provider-profile.ts';
import type { DirectoryRecord } from '../../store/directory-store.ts';
import type { ProvisioningLogRow } from '../../store/provisioning-log-store.ts';
import type { AdminServices } from './admin-services.ts';
import { type AdminRequest, audit, beforeId, body, pageRequest, parameter, refusing, timeParameter } from './admin-request.ts';

const named = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const newDirectory = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, provider: { type: 'string', enum: [...PROVIDERS] } },
} as const;
const rules = {
  type: 'object',
  additionalProperties: false,
  properties: {
    required: { type: 'array', items: { type: 'string' } },
    uniqueEmail: { type: 'boolean' },
    uniqueExternalId: { type: 'boolean' },
    allowedValues: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    defaults: { type: 'object' },
  },
} as const;

/** A search box's text as a SCIM filter: the start of userName, displayName or an email, whatever the case. */
function searchFilter(type: 'User' | 'Group', search: string | undefined, status: string | undefined, filter: string | undefined): string | undefined {
  const parts: string[] = [];
  if (search) {
    const text = JSON.stringify(search);
    parts.push(type === 'User' ? `(userName sw ${text} or displayName sw ${text} or emails.value sw ${text})` : `displayName sw ${text}`);
  }
  if (status === 'active') parts.push('active eq true');
  else if (status === 'deactivated') parts.push('active eq false');
  if (filter) parts.push(`(${filter})`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

function logEntry(row: ProvisioningLogRow) {
  return {
    id: Number(row.id),
    at: row.at,
    requestId: row.request_id,
    method: row.method,
    path: row.path,
    status: row.status,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    label: row.label,
    durationMs: row.duration_ms,
    error: row.error,
    explanation: explainLogEntry(row),
  };
}

/**
 * Organizations and their directories: Secret Tokens, attribute rules, the users and groups the identity provider
 * sent (read-only), the provisioning log and the figures behind the portal's charts.
 */
export async function directoryRoutes(app: FastifyInstance, services: AdminServices): Promise<void> {
  const { scope, directories, reader, provisioningLog, stats } = services;
  const record = (request: AdminRequest, action: string, entry: Parameters<AdminServices['audit']['record']>[2]) => services.audit.record(audit(request), action, entry);

  const view = async (request: AdminRequest, directory: DirectoryRecord) => {
    const tenantUrl = `${services.publicUrl(request)}/scim/v2/${directory.id}`;
    return {
      ...apiDirectory(directory),
      tenantUrl,
      entraTenantUrl: `${tenantUrl}?aadOptscim062020`,
      status: directory.activatedAt ? 'connected' : 'waiting',
      lastRequestAt: await stats.lastRequestAt(directory.id),
    };
  };
  const directoryOf = (request: AdminRequest) => scope.directory(request.principal, request.params.dirId!);
  let tags = ['Organizations'];
  app.get('/organizations', { schema: { tags, summary: 'Organizations the caller may see' } }, async (request: AdminRequest) => {
    const all = await directories.organizations();
    const only = organizationScope(request.principal);
    return { data: only === null ? all : all.filter((o) => o.id === only) };
  });
  app.post('/organizations', { schema: { tags, summary: 'Create an organization', body: named } }, async (request: AdminRequest, reply) => {
    scope.requireAllOrganizations(request.principal);
    const organization = await refusing([DirectoryError], () => directories.createOrganization(String(body(request).name)));
    await record(request, 'organization.created', { organizationId: organization.id, target: organization.id, details: { name: organization.name } });
    return reply.code(201).send(organization);
  });
  app.get('/organizations/:orgId', { schema: { tags, summary: 'One organization' } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    return (await directories.organizations()).find((o) => o.id === id);
  });

  tags = ['Directories'];
  app.get('/organizations/:orgId/directories', { schema: { tags, summary: "An organization's directories" } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    return { data: await Promise.all((await directories.list(id)).map((d) => view(request, d))) };
  });
  app.post('/organizations/:orgId/directories', { schema: { tags, summary: 'Create a directory and its first Secret Token', body: newDirectory } }, async (request: AdminRequest, reply) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    const { name, provider } = body(request) as { name: string; provider?: string };
    const created = await refusing([DirectoryError], () => directories.create(name, provider ?? 'entra', id));
    await record(request, 'directory.created', { organizationId: id, target: created.directory.id, details: { name: created.directory.name, provider: created.directory.provider } });
    return reply.code(201).send({ directory: await view(request, created.directory), token: created.token });
  });
  app.get('/directories/:dirId', { schema: { tags, summary: 'A directory, with its connection status' } }, async (request: AdminRequest) => view(request, await directoryOf(request)));
  app.delete('/directories/:dirId', { schema: { tags, summary: 'Delete a directory with its users, groups and tokens' } }, async (request: AdminRequest, reply) => {
    const directory = await directoryOf(request);
    await directories.delete(directory.id);
    await record(request, 'directory.deleted', { organizationId: directory.organizationId, target: directory.id, details: { name: directory.name } });
    return reply.code(204).send();
  });

  tags = ['Secret Tokens'];
  app.get('/directories/:dirId/tokens', { schema: { tags, summary: "A directory's Secret Tokens (never the tokens themselves)" } }, async (request: AdminRequest) => ({
    data: await directories.tokens((await directoryOf(request)).id),
  }));
  app.post('/directories/:dirId/tokens', { schema: { tags, summary: `Create a Secret Token, shown once (at most ${MAX_ACTIVE_TOKENS} active)` } }, async (request: AdminRequest, reply) => {
    const directory = await directoryOf(request);
    const created = await refusing([DirectoryError], () => directories.createToken(directory.id), 409);
    await record(request, 'token.created', { organizationId: directory.organizationId, target: directory.id, details: { prefix: created.record.prefix } });
    return reply.code(201).send(created);
  });
  app.delete('/directories/:dirId/tokens/:tokenId', { schema: { tags, summary: 'Revoke a Secret Token' } }, async (request: AdminRequest, reply) => {
    const directory = await directoryOf(request);
    const token = (await directories.tokens(directory.id)).find((t) => t.id === request.params.tokenId && !t.revokedAt);
    if (!token) throw notFound(`no active token with id ${request.params.tokenId} in this directory`);
    await directories.revokeToken(token.id);
    await record(request, 'token.revoked', { organizationId: directory.organizationId, target: directory.id, details: { prefix: token.prefix } });
    return reply.code(204).send();
  });

  tags = ['Attribute rules'];
  app.get('/directories/:dirId/rules', { schema: { tags, summary: "A directory's attribute rules" } }, async (request: AdminRequest) => {
    return directories.settings(await directoryOf(request)).rules ?? {};
  });
  app.put('/directories/:dirId/rules', { schema: { tags, summary: 'Replace the attribute rules', body: rules } }, async (request: AdminRequest) => {
    const directory = await directoryOf(request);
    const next = body(request) as AttributeRules;
    await directories.setRules(directory.id, next);
    await record(request, 'rules.updated', { organizationId: directory.organizationId, target: directory.id, details: { rules: next } });
    return next;
  });

  tags = ['Users and groups'];
  app.get('/directories/:dirId/users', { schema: { tags, summary: 'Users, searched and filtered, paged' } }, async (request: AdminRequest) =>
    reader.users(
      await directoryOf(request),
      searchFilter('User', parameter(request, 'search'), parameter(request, 'status'), parameter(request, 'filter')),
      pageRequest(request),
    ),
  );
  app.get('/directories/:dirId/users/:userId', { schema: { tags, summary: 'A user with its groups' } }, async (request: AdminRequest) =>
    reader.user(await directoryOf(request), request.params.userId!),
  );
  app.get('/directories/:dirId/groups', { schema: { tags, summary: 'Groups, searched and filtered, paged' } }, async (request: AdminRequest) =>
    reader.groups(await directoryOf(request), searchFilter('Group', parameter(request, 'search'), undefined, parameter(request, 'filter')), pageRequest(request)),
  );
  app.get('/directories/:dirId/groups/:groupId', { schema: { tags, summary: 'A group' } }, async (request: AdminRequest) =>
    reader.group(await directoryOf(request), request.params.groupId!),
  );
  app.get('/directories/:dirId/groups/:groupId/members', { schema: { tags, summary: "A group's members, paged" } }, async (request: AdminRequest) =>
    reader.members(await directoryOf(request), request.params.groupId!, pageRequest(request)),
  );

  tags = ['Provisioning log'];
  app.get('/directories/:dirId/log', { schema: { tags, summary: 'SCIM requests of the directory, newest first' } }, async (request: AdminRequest) => {
    const directory = await directoryOf(request);
    const { limit } = pageRequest(request);
    const rows = await provisioningLog.page({
      directoryId: directory.id,
      failedOnly: parameter(request, 'failed') === 'true',
      subject: parameter(request, 'user'),
      since: timeParameter(request, 'since'),
      until: timeParameter(request, 'until'),
      beforeId: beforeId(request),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { data: page.map(logEntry), next: rows.length > limit ? String(page.at(-1)!.id) : null };
  });
  app.get('/directories/:dirId/stats', { schema: { tags, summary: 'Requests per hour (24 h) and users per day (30 days)' } }, async (request: AdminRequest) => {
    const directory = await directoryOf(request);
    return stats.stats(directory.id, directory.userCount);
  });
}
