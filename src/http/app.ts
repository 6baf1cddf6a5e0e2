import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { DirectoryService } from '../directory/directory-service.ts';
import { ScimService } from '../directory/scim-service.ts';
import type { Connection } from '../store/connect.ts';
import { sqliteJson } from '../store/dialect/sqlite-json.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { ProvisioningLogStore } from '../store/provisioning-log-store.ts';
import { ResourceStore } from '../store/resource-store.ts';
import { BearerAuth } from './bearer-auth.ts';
import { registerJsonBody } from './json-body.ts';
import { registerProvisioningLog } from './provisioning-record.ts';
import { scimRoutes } from './scim-routes.ts';

export interface AppOptions {
  connection: Connection;
  /** Public base URL (`https://roster.example.com`) used in Tenant URLs, `location` and `$ref`. */
  publicUrl?: string;
  /** Largest accepted request body, in bytes; advertised in /ServiceProviderConfig. */
  bodyLimit?: number;
  /** Largest page of a list (`filter.maxResults`). */
  maxResults?: number;
  logger?: FastifyServerOptions['logger'];
  /** Log every HTTP request; off by default because the provisioning log records each SCIM request anyway. */
  logRequests?: boolean;
  /** Trust X-Forwarded-* from a reverse proxy in front of Roster. */
  trustProxy?: boolean;
  https?: { cert: Buffer; key: Buffer };
}

export interface RosterApp {
  app: FastifyInstance;
  directories: DirectoryService;
  provisioningLog: ProvisioningLogStore;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Wires storage, services and routes into one Fastify app. */
export async function buildApp(options: AppOptions): Promise<RosterApp> {
  const { db, dialect } = options.connection;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    // RFC 7644 §3.10: resource endpoints and attribute names are case-insensitive (`/users` is `/Users`).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: 'x-request-id',
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    ...(options.https ? { https: options.https } : {}),
  } as FastifyServerOptions);
  const directories = new DirectoryService(new DirectoryStore(db));
  const resources = new ResourceStore(db, dialect, sqliteJson);
  const provisioningLog = new ProvisioningLogStore(db, (error) => app.log.error({ err: error }, 'provisioning log write failed'));

  registerJsonBody(app, bodyLimit);
  registerProvisioningLog(app, provisioningLog);
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(scimRoutes, {
    prefix: '/scim/v2/:directoryId',
    scim: new ScimService(directories, resources),
    auth: new BearerAuth(directories),
    publicUrl: options.publicUrl,
    paging: { defaultCount: 100, maxCount: options.maxResults ?? 1000 },
    bodyLimit,
  });
  app.addHook('onClose', async () => provisioningLog.flush());
  return { app, directories, provisioningLog };
}
