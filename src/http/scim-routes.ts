import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DirectoryContext, ResourceReply, ScimService } from '../directory/scim-service.ts';
import { badRequest, notFound, ScimError } from '../scim/messages/error.ts';
import { type ListRequest, type PagingLimits, parseListRequest, parseProjection } from '../scim/messages/list-request.ts';
import { listResponse } from '../scim/messages/list-response.ts';
import { resourceType, schemaResource, serviceProviderConfig } from '../scim/schema/discovery.ts';
import type { ResourceTypeName } from '../scim/schema/resource-schema.ts';
import { SEARCH_REQUEST_SCHEMA } from '../scim/schema/urns.ts';
import { isStorableText } from '../scim/storable-text.ts';
import type { BearerAuth } from './bearer-auth.ts';
import { SCIM_CONTENT_TYPE, sendScimError } from './scim-error-reply.ts';
import { sendScimJson } from './send-scim-json.ts';

export interface ScimRoutesOptions {
  scim: ScimService;
  auth: BearerAuth;
  /** Base of Tenant URLs; when unset, taken from the request (Host and, behind a trusted proxy, X-Forwarded-*). */
  publicUrl?: string;
  paging: PagingLimits;
  bodyLimit: number;
}

type Params = { directoryId: string; id?: string; name?: string };
type ScimRequest = FastifyRequest<{ Params: Params; Querystring: Record<string, unknown>; Body: unknown }>;

declare module 'fastify' {
  interface FastifyRequest {
    directoryContext: DirectoryContext;
  }
}

const ENDPOINTS: Array<[path: string, type: ResourceTypeName]> = [
  ['Users', 'User'],
  ['Groups', 'Group'],
];

/** The SCIM 2.0 endpoints of every directory, under `/scim/v2/{directoryId}` (RFC 7644 §3.2). */
export async function scimRoutes(app: FastifyInstance, options: ScimRoutesOptions): Promise<void> {
  const { scim, auth } = options;
  app.decorateRequest('directoryContext', null as unknown as DirectoryContext);

  app.addHook('preHandler', async (request: ScimRequest) => {
    const directory = await auth.authenticate(request, request.params.directoryId);
    // A percent-encoded %00 (or a lone surrogate) names nothing: no database can even hold it as an id.
    if (request.params.id !== undefined && !isStorableText(request.params.id)) throw notFound('no resource with that id');
    const origin = options.publicUrl ?? `${request.protocol}://${request.host}`;
    request.directoryContext = await scim.context(directory, `${origin.replace(/\/+$/, '')}/scim/v2/${directory.id}`);
  });
  app.setErrorHandler((error, request, reply) => sendScimError(request, reply, error));
  app.setNotFoundHandler((request, reply) => sendScimError(request, reply, notFound(`no SCIM endpoint at ${request.url}`)));

  const send = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).type(SCIM_CONTENT_TYPE).send(body);
  const sendResource = (request: ScimRequest, reply: FastifyReply, status: number, resource: ResourceReply) => {
    request.provisioning.resourceId = String(resource.body.id);
    request.provisioning.label = resource.label;
    const meta = resource.body.meta as { location?: string } | undefined;
    if (status === 201 && meta?.location) reply.header('location', meta.location);
    return sendScimJson(request, reply.header('etag', resource.etag), status, resource.body);
  };
  const ifMatch = (request: ScimRequest) => request.headers['if-match'];

  app.get('/ServiceProviderConfig', async (request: ScimRequest, reply) =>
    send(reply, 200, serviceProviderConfig({ maxResults: options.paging.maxCount, maxPayloadSize: options.bodyLimit }, request.directoryContext.baseUrl)),
  );
  // Discovery reads the directory's schemas afresh: another instance may have registered an extension a moment ago.
  const currentSchemas = (ctx: DirectoryContext) => scim.schemas(ctx.directory.id, { fresh: true });
  app.get('/ResourceTypes', async (request: ScimRequest, reply) => {
    const ctx = request.directoryContext;
    const types = Object.values(await currentSchemas(ctx)).map((s) => resourceType(s, ctx.baseUrl));
    return send(reply, 200, listResponse(types.length, 1, types));
  });
  app.get('/ResourceTypes/:name', async (request: ScimRequest, reply) => {
    const ctx = request.directoryContext;
    const schema = Object.values(await currentSchemas(ctx)).find((s) => s.type.toLowerCase() === request.params.name?.toLowerCase());
    if (!schema) throw notFound(`no resource type ${request.params.name}`);
    return send(reply, 200, resourceType(schema, ctx.baseUrl));
  });
  const allSchemas = async (ctx: DirectoryContext) => {
    const seen = new Map<string, ReturnType<typeof schemaResource>>();
    for (const s of Object.values(await currentSchemas(ctx))) {
      for (const def of [s.core, ...s.extensions]) seen.set(def.id, schemaResource(def, ctx.baseUrl));
    }
    return [...seen.values()];
  };
  app.get('/Schemas', async (request: ScimRequest, reply) => {
    const schemas = await allSchemas(request.directoryContext);
    return send(reply, 200, listResponse(schemas.length, 1, schemas));
  });
  app.get('/Schemas/:id', async (request: ScimRequest, reply) => {
    const found = (await allSchemas(request.directoryContext)).find((s) => s.id.toLowerCase() === request.params.id?.toLowerCase());
    if (!found) throw notFound(`no schema ${request.params.id}`);
    return send(reply, 200, found);
  });

  const list = async (request: ScimRequest, reply: FastifyReply, type: ResourceTypeName, params: ListRequest) => {
    request.provisioning.resourceType = type;
    const page = await scim.list(request.directoryContext, type, params);
    return sendScimJson(request, reply, 200, listResponse(page.totalResults, params.startIndex, page.resources));
  };

  for (const [path, type] of ENDPOINTS) {
    app.get(`/${path}`, async (request: ScimRequest, reply) => list(request, reply, type, parseListRequest(request.query, options.paging)));
    app.post(`/${path}/.search`, async (request: ScimRequest, reply) => list(request, reply, type, searchRequest(request.body, options.paging)));
    app.post(`/${path}`, async (request: ScimRequest, reply) => {
      request.provisioning.resourceType = type;
      request.provisioning.label = labelIn(request.body);
      return sendResource(request, reply, 201, await scim.create(request.directoryContext, type, request.body));
    });
    app.get(`/${path}/:id`, async (request: ScimRequest, reply) => {
      noteTarget(request, type);
      const resource = await scim.get(request.directoryContext, type, request.params.id!, parseProjection(request.query));
      // RFC 7644 §3.14: a client holding the current version may skip the body.
      if (request.headers['if-none-match']?.split(',').some((t) => t.trim() === resource.etag)) return reply.code(304).header('etag', resource.etag).send();
      return sendResource(request, reply, 200, resource);
    });
    app.put(`/${path}/:id`, async (request: ScimRequest, reply) => {
      noteTarget(request, type);
      request.provisioning.label = labelIn(request.body);
      return sendResource(request, reply, 200, await scim.replace(request.directoryContext, type, request.params.id!, request.body, ifMatch(request)));
    });
    app.patch(`/${path}/:id`, async (request: ScimRequest, reply) => {
      noteTarget(request, type);
      const result = await scim.patch(request.directoryContext, type, request.params.id!, request.body, ifMatch(request), parseProjection(request.query));
      if (!('body' in result)) {
        request.provisioning.label = result.label;
        return reply.code(204).header('etag', result.etag).send();
      }
      return sendResource(request, reply, 200, result);
    });
    app.delete(`/${path}/:id`, async (request: ScimRequest, reply) => {
      noteTarget(request, type);
      request.provisioning.label = await scim.delete(request.directoryContext, type, request.params.id!, ifMatch(request));
      return reply.code(204).send();
    });
  }

  // RFC 7644 §3.4.3: a search at the root covers both resource types; Users come first, then Groups.
  app.post('/.search', async (request: ScimRequest, reply) => {
    const params = searchRequest(request.body, options.paging);
    const ctx = request.directoryContext;
    const users = await listOrNothing(scim, ctx, 'User', params);
    const usersOnPage = users.resources.length;
    const groupStart = Math.max(1, params.startIndex - users.totalResults);
    const groups = await listOrNothing(scim, ctx, 'Group', { ...params, startIndex: groupStart, count: Math.max(0, params.count - usersOnPage) });
    if (users.failed && groups.failed) throw users.failed;
    return sendScimJson(request, reply, 200, listResponse(users.totalResults + groups.totalResults, params.startIndex, [...users.resources, ...groups.resources]));
  });
}

function noteTarget(request: ScimRequest, type: ResourceTypeName): void {
  request.provisioning.resourceType = type;
  request.provisioning.resourceId = request.params.id;
}

function labelIn(body: unknown): string | undefined {
  const b = body as Record<string, unknown> | undefined;
  const label = b?.userName ?? b?.displayName;
  return typeof label === 'string' ? label : undefined;
}

/** A SearchRequest body (RFC 7644 §3.4.3): the list parameters as JSON, `attributes` possibly as arrays. */
function searchRequest(body: unknown, paging: PagingLimits): ListRequest {
  if (body === undefined) return parseListRequest({}, paging);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalidSyntax', 'a search request body must be a JSON object');
  const schemas = (body as { schemas?: unknown }).schemas;
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(SEARCH_REQUEST_SCHEMA))) {
    throw badRequest('invalidSyntax', `schemas must contain ${SEARCH_REQUEST_SCHEMA}`);
  }
  return parseListRequest(body as Record<string, unknown>, paging);
}

/** At the root, a filter may name attributes only one type has; that type then simply matches nothing. */
async function listOrNothing(scim: ScimService, ctx: DirectoryContext, type: ResourceTypeName, params: ListRequest) {
  try {
    return { ...(await scim.list(ctx, type, params)), failed: undefined };
  } catch (error) {
    if (!(error instanceof ScimError && error.status === 400)) throw error;
    return { totalResults: 0, resources: [], failed: error };
  }
}
