import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import { ApiKeys } from '../api/api-keys.ts';
import { ApiScope } from '../api/api-scope.ts';
import { DirectoryReader } from '../api/directory-reader.ts';
import { EventPages } from '../api/event-pages.ts';
import { DirectoryService } from '../directory/directory-service.ts';
import { ScimService } from '../directory/scim-service.ts';
import { ApiKeyStore } from '../store/api-key-store.ts';
import type { Connection } from '../store/connect.ts';
import { jsonSqlFor } from '../store/dialect/json-sql-for.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { EventFeed } from '../store/event-feed.ts';
import { ProvisioningLogStore } from '../store/provisioning-log-store.ts';
import { ResourcePages } from '../store/resource-pages.ts';
import { ResourceStore } from '../store/resource-store.ts';
import { type DeliveryWorkerOptions, runDeliveryWorker } from '../webhooks/delivery-worker.ts';
import { ApiKeyAuth } from './api-key-auth.ts';
import { apiRoutes } from './api-routes.ts';
import { BearerAuth } from './bearer-auth.ts';
import { registerDraining } from './draining.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { registerJsonBody } from './json-body.ts';
import { registerMetrics } from './metrics.ts';
import { registerProvisioningLog } from './provisioning-record.ts';
import { registerRequestIdHeader, requestId } from './request-id.ts';
import { sendScimError } from './scim-error-reply.ts';
import { scimRoutes } from './scim-routes.ts';

export interface AppOptions {
  connection: Connection;
  /** Public base URL (`https://roster.example.com`) used in Tenant URLs, `location` and `$ref`. */
  publicUrl?: string;
  /** Largest accepted request body, in bytes; advertised in /ServiceProviderConfig. */
  bodyLimit?: number;
  /** Largest page of a list (`filter.maxResults`). */
  maxResults?: number;
  /** A pino logger; none by default. */
  logger?: FastifyBaseLogger;
  /** Log every HTTP request; off by default because the provisioning log records each SCIM request anyway. */
  logRequests?: boolean;
  /** Trust X-Forwarded-* from a reverse proxy in front of Roster. */
  trustProxy?: boolean;
  https?: { cert: Buffer; key: Buffer };
  /** Members a group's member list reads at a time (default 1,000); tests make it small to see several chunks. */
  memberChunkSize?: number;
  /** When set, `/metrics` requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** Deliver webhooks from this process: `roster serve` does unless --no-webhooks; CLI commands never do. */
  webhooks?: DeliveryWorkerOptions;
}

export interface RosterApp {
  app: FastifyInstance;
  directories: DirectoryService;
  apiKeys: ApiKeys;
  provisioningLog: ProvisioningLogStore;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Wires storage, services and routes into one Fastify app. */
export async function buildApp(options: AppOptions): Promise<RosterApp> {
  const { db, dialect } = options.connection;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    // RFC 7644 §3.10: resource endpoints and attribute names are case-insensitive (`/users` is `/Users`).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: false,
    genReqId: requestId,
    // While draining, requests that still arrive on open connections are served (with `Connection: close`) rather
    // than refused, and /readyz says why the instance is leaving.
    return503OnClosing: false,
    // Errors Fastify meets before routing (a malformed percent-encoding in the URL) get a SCIM error body too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => sendScimError(request, reply, error),
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    ...(options.https ? { https: options.https } : {}),
  } as FastifyServerOptions);
  const directories = new DirectoryService(new DirectoryStore(db));
  const json = jsonSqlFor(dialect);
  const resources = new ResourceStore(db, dialect, json, options.memberChunkSize);
  const scim = new ScimService(directories, resources);
  const apiKeys = new ApiKeys(new ApiKeyStore(db), directories);
  const provisioningLog = new ProvisioningLogStore(db, (error) => app.log.error({ err: error }, 'provisioning log write failed'));

  registerJsonBody(app, bodyLimit);
  registerProvisioningLog(app, provisioningLog);
  registerRequestIdHeader(app);
  registerMetrics(app, { poolStats: () => options.connection.poolStats(), token: options.metricsToken });
  registerHealthRoutes(app, db, registerDraining(app));
  await app.register(scimRoutes, {
    prefix: '/scim/v2/:directoryId',
    scim,
    auth: new BearerAuth(directories),
    publicUrl: options.publicUrl,
    paging: { defaultCount: 100, maxCount: options.maxResults ?? 1000 },
    bodyLimit,
  });
  await app.register(apiRoutes, {
    prefix: '/api/v1',
    auth: new ApiKeyAuth(apiKeys),
    scope: new ApiScope(directories),
    events: new EventPages(new EventFeed(db)),
    reader: new DirectoryReader(scim, resources, new ResourcePages(db, json)),
  });
  app.addHook('onClose', async () => provisioningLog.flush());
  if (options.webhooks) await runDeliveryWorker(app, options.connection, options.webhooks);
  return { app, directories, apiKeys, provisioningLog };
}
