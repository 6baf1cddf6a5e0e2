import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import { AdminAccounts } from '../admin/admin-accounts.ts';
import { AdminScope } from '../admin/admin-scope.ts';
import { AdminSessions } from '../admin/admin-sessions.ts';
import { AuditLog } from '../admin/audit-log.ts';
import { SignInThrottle } from '../admin/sign-in-throttle.ts';
import { SetupLinks } from '../admin/setup-links.ts';
import { ApiKeys } from '../api/api-keys.ts';
import { ApiScope } from '../api/api-scope.ts';
import { DirectoryReader } from '../api/directory-reader.ts';
import { EventPages } from '../api/event-pages.ts';
import { DirectoryService } from '../directory/directory-service.ts';
import { ScimService } from '../directory/scim-service.ts';
import { AdminAccountStore } from '../store/admin-account-store.ts';
import { AdminSessionStore } from '../store/admin-session-store.ts';
import { ApiKeyStore } from '../store/api-key-store.ts';
import { AuditLogStore } from '../store/audit-log-store.ts';
import { SignInAttemptStore } from '../store/sign-in-attempt-store.ts';
import type { Connection } from '../store/connect.ts';
import { jsonSqlFor } from '../store/dialect/json-sql-for.ts';
import { DirectoryStatsStore } from '../store/directory-stats.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { EventFeed } from '../store/event-feed.ts';
import { ProvisioningLogStore } from '../store/provisioning-log-store.ts';
import { ResourcePages } from '../store/resource-pages.ts';
import { ResourceStore } from '../store/resource-store.ts';
import { SetupLinkStore } from '../store/setup-link-store.ts';
import { AccountStore } from '../store/account-store.ts';
import { SsoConnectionStore } from '../store/sso-connection-store.ts';
import { EntraSessionStore } from '../store/entra-session-store.ts';
import { SsoStateStore } from '../store/sso-state-store.ts';
import { EntraClient } from '../sso/entra-client.ts';
import { IdentityLinker } from '../sso/identity-linker.ts';
import { SsoConnections } from '../sso/sso-connections.ts';
import { SsoSignIn } from '../sso/sso-sign-in.ts';
import { OidcClients } from '../oidc/oidc-clients.ts';
import { rosterProvider } from '../oidc/roster-provider.ts';
import { SignInFlow } from '../oidc/sign-in-flow.ts';
import { SignInSettings } from '../sso/sign-in-settings.ts';
import type Provider from 'oidc-provider';
import { type DeliveryWorkerOptions, runDeliveryWorker } from '../webhooks/delivery-worker.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { lazySecretBox } from '../secrets/secret-key.ts';
import { WebhookService } from '../webhooks/webhook-service.ts';
import { AdminAuth } from './admin/admin-auth.ts';
import { adminApi } from './admin/admin-api.ts';
import { ApiKeyAuth } from './api-key-auth.ts';
import { apiRoutes } from './api-routes.ts';
import { BearerAuth } from './bearer-auth.ts';
import { registerDraining } from './draining.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { registerJsonBody } from './json-body.ts';
import { registerMetrics } from './metrics.ts';
import { oidcRoutes, sendStep } from './oidc-routes.ts';
import { passwordRoutes } from './password-routes.ts';
import { ssoRoutes } from './sso-routes.ts';
import { defaultPortalRoot, portalRoutes } from './portal-routes.ts';
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
  /**
   * The key of stored secrets (webhook endpoints and SSO connections added through the admin API); default: the
   * delivery worker's when it runs here, else ROSTER_SECRET_KEY alone.
   */
  secrets?: () => SecretBox;
  /** Let SSO talk to an identity provider over plain http (ROSTER_SSO_ALLOW_HTTP=1): tests with a local provider. */
  ssoAllowHttp?: boolean;
  /** Let the admin API add webhook endpoints on private or loopback addresses (ROSTER_WEBHOOK_ALLOW_PRIVATE=1). */
  allowPrivateWebhookDestinations?: boolean;
  /** The built portal (default: dist/portal of this checkout). */
  portalRoot?: string;
}

export interface RosterApp {
  app: FastifyInstance;
  oidcClients: OidcClients;
  directories: DirectoryService;
  admins: AdminAccounts;
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

  // Collects the admin API's routes (those with tags) into the OpenAPI document served at /api/docs.
  await app.register(swagger, {
    openapi: {
      info: { title: 'Roster admin API', version: '1', description: 'Organizations, directories, tokens, rules, users and groups, logs, webhooks (docs/admin-api.md).' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'roster_session' } } },
      security: [{ apiKey: [] }, { session: [] }],
    },
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

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
  const apiKeyAuth = new ApiKeyAuth(apiKeys);
  const reader = new DirectoryReader(scim, resources, new ResourcePages(db, json));
  await app.register(apiRoutes, {
    prefix: '/api/v1',
    auth: apiKeyAuth,
    scope: new ApiScope(directories),
    events: new EventPages(new EventFeed(db)),
    reader,
  });
  const secrets = options.secrets ?? options.webhooks?.secrets ?? lazySecretBox({ dialect, location: ':memory:' }, { create: false });
  const entra = new EntraClient({ allowHttp: options.ssoAllowHttp });
  const ssoConnections = new SsoConnections(new SsoConnectionStore(db), () => secrets(), entra, { allowHttp: options.ssoAllowHttp });
  const accounts = new AccountStore(db);
  const ssoSignIn = new SsoSignIn(ssoConnections, new SsoStateStore(db), entra, new IdentityLinker(accounts), new EntraSessionStore(db));
  const oidcClients = new OidcClients(db, () => secrets());
  const signInSettings = new SignInSettings(db);
  const sessions = new AdminSessions(new AdminSessionStore(db));
  const admins = new AdminAccounts(new AdminAccountStore(db), new AdminSessionStore(db), new SignInThrottle(new SignInAttemptStore(db, 'admins')));
  const origin = (request: { protocol: string; host: string }) => options.publicUrl ?? `${request.protocol}://${request.host}`;
  await app.register(adminApi, {
    prefix: '/api/admin',
    services: {
      auth: new AdminAuth(sessions, apiKeyAuth),
      accounts: admins,
      sessions,
      scope: new AdminScope(directories),
      audit: new AuditLog(new AuditLogStore(db)),
      directories,
      reader,
      provisioningLog,
      stats: new DirectoryStatsStore(db),
      webhooks: new WebhookService(db, {
        secrets,
        allowPrivateDestinations: options.webhooks?.allowPrivateDestinations ?? options.allowPrivateWebhookDestinations ?? false,
      }),
      setupLinks: new SetupLinks(new SetupLinkStore(db)),
      apiKeys,
      sso: ssoConnections,
      ssoSignIn,
      signInSettings,
      oidcClients,
      publicUrl: origin,
    },
  });
  const flow = new SignInFlow(
    () => provider ?? Promise.reject(new Error('the OpenID provider has not started')),
    accounts,
    ssoSignIn,
    new SignInThrottle(new SignInAttemptStore(db, 'accounts')),
  );
  // The provider's issuer is fixed at its first use: the public URL, else the origin of the first request to reach it.
  let provider: Promise<Provider> | undefined;
  const providerFor = (request: { protocol: string; host: string }) => {
    const base = origin(request);
    return (provider ??= rosterProvider({
      issuer: `${base}/oidc`,
      db,
      secrets,
      clients: oidcClients,
      accounts,
      proxy: options.trustProxy ?? false,
      afterSignOut: (accountId, returnTo) => flow.signOutAtEntra(accountId, returnTo, base),
      logError: (error) => app.log.error({ err: error }, 'OpenID provider error'),
    }).catch((error: unknown) => {
      provider = undefined; // a missing key, a database hiccup: the next request tries again
      throw error;
    }));
  };
  await app.register(ssoRoutes, { signIn: ssoSignIn, origin, onAuthorize: async (result, reply) => sendStep(reply, await flow.finishWithEntra(result)) });
  await app.register(oidcRoutes, { provider: providerFor, flow, origin });
  await app.register(passwordRoutes, { settings: signInSettings });
  await app.register(portalRoutes, { root: options.portalRoot ?? defaultPortalRoot() });
  app.addHook('onClose', async () => provisioningLog.flush());
  if (options.webhooks) await runDeliveryWorker(app, options.connection, options.webhooks);
  return { app, directories, admins, apiKeys, provisioningLog, oidcClients };
}
