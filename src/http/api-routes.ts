import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidRequest, notFound } from '../api/api-error.ts';
import type { ApiScope } from '../api/api-scope.ts';
import { apiDirectory, type DirectoryReader, type PageRequest } from '../api/directory-reader.ts';
import type { EventPages } from '../api/event-pages.ts';
import { EVENT_TYPES, type EventType, isEventType } from '../events/event-type.ts';
import { isStorableText } from '../scim/storable-text.ts';
import type { ApiKeyRecord } from '../store/api-key-store.ts';
import type { ApiKeyAuth } from './api-key-auth.ts';
import { sendApiError } from './api-error-reply.ts';

export interface ApiRoutesOptions {
  auth: ApiKeyAuth;
  scope: ApiScope;
  events: EventPages;
  reader: DirectoryReader;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

type Params = { directoryId: string; userId: string; groupId: string };
type ApiRequest = FastifyRequest<{ Params: Params; Querystring: Record<string, string | string[] | undefined> }>;

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: ApiKeyRecord;
  }
}

/** A query parameter given at most once, as text a database can hold. */
function parameter(request: ApiRequest, name: string): string | undefined {
  const value = request.query[name];
  if (Array.isArray(value)) throw invalidRequest(`give ${name} once`);
  if (value !== undefined && !isStorableText(value)) throw invalidRequest(`${name} holds U+0000 or a lone surrogate`);
  return value;
}

function pageRequest(request: ApiRequest): PageRequest {
  const raw = parameter(request, 'limit') ?? String(DEFAULT_LIMIT);
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) throw invalidRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return { after: parameter(request, 'after') || undefined, limit };
}

/** `types=dsync.user.created,dsync.user.updated`: undefined (every type) when absent or empty. */
function eventTypes(request: ApiRequest): EventType[] | undefined {
  const types = (parameter(request, 'types') ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = types.find((t) => !isEventType(t));
  if (unknown !== undefined) throw invalidRequest(`unknown event type ${unknown}: the types are ${EVENT_TYPES.join(', ')}`);
  return types.length > 0 ? (types as EventType[]) : undefined;
}

/**
 * The host app's API under `/api/v1`, authenticated with an API key: the events of its organization
 * (`/events`, cursor-paged) and read access to its directories, users and groups.
 */
export async function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions): Promise<void> {
  const { auth, scope, events, reader } = options;
  app.decorateRequest('apiKey', null as unknown as ApiKeyRecord);
  app.addHook('preHandler', async (request) => {
    request.apiKey = await auth.authenticate(request);
  });
  app.setErrorHandler((error, request, reply) => sendApiError(request, reply, error));
  app.setNotFoundHandler((request, reply) => sendApiError(request, reply, notFound(`no API endpoint at ${request.method} ${request.url}`)));

  const directoryOf = (request: ApiRequest) => scope.directory(request.apiKey, request.params.directoryId);

  app.get('/events', async (request: ApiRequest) => {
    const directoryId = parameter(request, 'directory');
    const organizationId = await scope.organization(request.apiKey, parameter(request, 'organization'));
    // One organization's directories make one cursor; across every organization it would grow without bound.
    if (organizationId === undefined && directoryId === undefined) {
      throw invalidRequest('a global API key reads the events of one organization (organization=ID) or one directory (directory=ID)');
    }
    const { after, limit } = pageRequest(request);
    return events.page({ scope: { organizationId, directoryId }, after, limit, types: eventTypes(request) });
  });

  app.get('/directories', async (request: ApiRequest) => {
    const organizationId = await scope.organization(request.apiKey, parameter(request, 'organization'));
    return { data: (await scope.listDirectories(organizationId)).map(apiDirectory) };
  });
  app.get('/directories/:directoryId', async (request: ApiRequest) => apiDirectory(await directoryOf(request)));

  app.get('/directories/:directoryId/users', async (request: ApiRequest) =>
    reader.users(await directoryOf(request), parameter(request, 'filter'), pageRequest(request)),
  );
  app.get('/directories/:directoryId/users/:userId', async (request: ApiRequest) => reader.user(await directoryOf(request), request.params.userId));
  app.get('/directories/:directoryId/users/:userId/groups', async (request: ApiRequest) => ({
    data: await reader.userGroups(await directoryOf(request), request.params.userId),
  }));

  app.get('/directories/:directoryId/groups', async (request: ApiRequest) =>
    reader.groups(await directoryOf(request), parameter(request, 'filter'), pageRequest(request)),
  );
  app.get('/directories/:directoryId/groups/:groupId', async (request: ApiRequest) => reader.group(await directoryOf(request), request.params.groupId));
  app.get('/directories/:directoryId/groups/:groupId/members', async (request: ApiRequest) =>
    reader.members(await directoryOf(request), request.params.groupId, pageRequest(request)),
  );
}
