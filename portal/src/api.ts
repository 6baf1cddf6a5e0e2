// The admin API client (docs/admin-api.md): JSON over fetch with the session cookie, and the session's CSRF token on
// every request that changes something.
import type {
  ApiKey,
  AttributeRules,
  AuditEntry,
  CreatedApiKey,
  CreatedDirectory,
  CreatedGuest,
  CreatedOidcClient,
  CreatedSetupLink,
  CreatedToken,
  CreatedWebhookEndpoint,
  Delivery,
  Directory,
  DirectoryStats,
  Group,
  Guest,
  List,
  LogEntry,
  LoginMethod,
  NewGuest,
  NewOidcClient,
  NewWebhookEndpoint,
  OidcClientList,
  Organization,
  Page,
  PasswordLink,
  Provider,
  RotatedSecret,
  Session,
  SetupLink,
  SignInSettings,
  SsoConnection,
  SsoConnectionInput,
  TestDelivery,
  Token,
  User,
  WebhookEndpoint,
} from './types.ts';

/** A request the API refused (its status and `{ error: { code, message } }`), or that never reached it (status 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From Retry-After, on 429. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let unauthorizedHandler: () => void = () => {};

/** The token of the current session, or null once signed out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when the API says the session is gone (sign in again). Returns a function that removes it. */
export function onUnauthorized(handler: () => void): () => void {
  unauthorizedHandler = handler;
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = () => {};
  };
}

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Off for signing in, where 401 means a wrong password or a dead link, not a lost session. */
  redirectOnUnauthorized?: boolean;
}

async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/admin${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'network_error', 'Roster could not be reached: check the network connection and try again.');
  }
  if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
  const error = await errorOf(response);
  if (response.status === 401 && options.redirectOnUnauthorized !== false) unauthorizedHandler();
  throw error;
}

async function errorOf(response: Response): Promise<ApiError> {
  const retryAfter = response.status === 429 ? retryAfterSeconds(response.headers.get('retry-after')) : null;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') return new ApiError(response.status, code, message, retryAfter);
  } catch {
    // Not the API's JSON: a proxy in front of Roster answered. The status says enough.
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status} ${response.statusText}`.trim(), retryAfter);
}

/** Retry-After is either seconds or an HTTP date. */
function retryAfterSeconds(header: string | null): number | null {
  if (header === null) return null;
  if (/^\d+$/.test(header.trim())) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** For a resource whose absence is an answer rather than a failure (an organization without single sign-on). */
function nullWhenNotFound(error: unknown): null {
  if (error instanceof ApiError && error.status === 404) return null;
  throw error;
}

/** A path with every interpolated id percent-encoded: path`/directories/${id}`. */
function path(parts: TemplateStringsArray, ...ids: string[]): string {
  return parts.reduce((out, part, i) => out + part + (i < ids.length ? encodeURIComponent(ids[i] ?? '') : ''), '');
}

/** Adds the query parameters that have a value; `false` and '' mean "no filter". */
function withQuery(base: string, query: Record<string, string | number | boolean | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '' && value !== false) params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${base}?${search}` : base;
}

export interface UserQuery {
  search?: string;
  status?: 'active' | 'deactivated' | '';
  after?: string;
}

export interface GroupQuery {
  search?: string;
  after?: string;
}

export interface LogQuery {
  failed?: boolean;
  user?: string;
  since?: string;
  until?: string;
  after?: string;
}

export const api = {
  signIn: (username: string, password: string) =>
    request<Session>('POST', '/session', { body: { username, password }, redirectOnUnauthorized: false }),
  openSetupLink: (token: string, signal?: AbortSignal) =>
    request<Session>('POST', '/session/setup', { body: { token }, signal, redirectOnUnauthorized: false }),
  session: (signal?: AbortSignal) => request<Session>('GET', '/session', { signal }),
  signOut: () => request<void>('DELETE', '/session'),

  organizations: (signal?: AbortSignal) => request<List<Organization>>('GET', '/organizations', { signal }),
  createOrganization: (name: string) => request<Organization>('POST', '/organizations', { body: { name } }),
  organization: (orgId: string, signal?: AbortSignal) => request<Organization>('GET', path`/organizations/${orgId}`, { signal }),

  directories: (orgId: string, signal?: AbortSignal) =>
    request<List<Directory>>('GET', path`/organizations/${orgId}/directories`, { signal }),
  createDirectory: (orgId: string, name: string, provider: Provider) =>
    request<CreatedDirectory>('POST', path`/organizations/${orgId}/directories`, { body: { name, provider } }),
  directory: (dirId: string, signal?: AbortSignal) => request<Directory>('GET', path`/directories/${dirId}`, { signal }),
  deleteDirectory: (dirId: string) => request<void>('DELETE', path`/directories/${dirId}`),

  tokens: (dirId: string, signal?: AbortSignal) => request<List<Token>>('GET', path`/directories/${dirId}/tokens`, { signal }),
  createToken: (dirId: string) => request<CreatedToken>('POST', path`/directories/${dirId}/tokens`),
  revokeToken: (dirId: string, tokenId: string) => request<void>('DELETE', path`/directories/${dirId}/tokens/${tokenId}`),

  rules: (dirId: string, signal?: AbortSignal) => request<AttributeRules>('GET', path`/directories/${dirId}/rules`, { signal }),
  saveRules: (dirId: string, rules: AttributeRules) =>
    request<AttributeRules>('PUT', path`/directories/${dirId}/rules`, { body: rules }),

  users: (dirId: string, query: UserQuery, signal?: AbortSignal) =>
    request<Page<User>>('GET', withQuery(path`/directories/${dirId}/users`, { ...query }), { signal }),
  user: (dirId: string, userId: string, signal?: AbortSignal) =>
    request<User>('GET', path`/directories/${dirId}/users/${userId}`, { signal }),
  groups: (dirId: string, query: GroupQuery, signal?: AbortSignal) =>
    request<Page<Group>>('GET', withQuery(path`/directories/${dirId}/groups`, { ...query }), { signal }),
  group: (dirId: string, groupId: string, signal?: AbortSignal) =>
    request<Group>('GET', path`/directories/${dirId}/groups/${groupId}`, { signal }),
  groupMembers: (dirId: string, groupId: string, after: string | undefined, signal?: AbortSignal) =>
    request<Page<User>>('GET', withQuery(path`/directories/${dirId}/groups/${groupId}/members`, { after }), { signal }),

  log: (dirId: string, query: LogQuery, signal?: AbortSignal) =>
    request<Page<LogEntry>>('GET', withQuery(path`/directories/${dirId}/log`, { ...query }), { signal }),
  stats: (dirId: string, signal?: AbortSignal) => request<DirectoryStats>('GET', path`/directories/${dirId}/stats`, { signal }),

  eventTypes: (signal?: AbortSignal) => request<List<string>>('GET', '/event-types', { signal }),
  webhooks: (orgId: string, signal?: AbortSignal) =>
    request<List<WebhookEndpoint>>('GET', path`/organizations/${orgId}/webhooks`, { signal }),
  createWebhook: (orgId: string, endpoint: NewWebhookEndpoint) =>
    request<CreatedWebhookEndpoint>('POST', path`/organizations/${orgId}/webhooks`, { body: endpoint }),
  webhook: (id: string, signal?: AbortSignal) => request<WebhookEndpoint>('GET', path`/webhooks/${id}`, { signal }),
  deleteWebhook: (id: string) => request<void>('DELETE', path`/webhooks/${id}`),
  enableWebhook: (id: string) => request<WebhookEndpoint>('POST', path`/webhooks/${id}/enable`),
  rotateWebhookSecret: (id: string) => request<RotatedSecret>('POST', path`/webhooks/${id}/rotate-secret`),
  testWebhook: (id: string) => request<TestDelivery>('POST', path`/webhooks/${id}/test`),
  replayEvent: (id: string, eventId: string) =>
    request<{ enqueued: number }>('POST', path`/webhooks/${id}/replay`, { body: { eventId } }),
  deliveries: (id: string, signal?: AbortSignal) => request<List<Delivery>>('GET', path`/webhooks/${id}/deliveries`, { signal }),

  setupLinks: (orgId: string, signal?: AbortSignal) =>
    request<List<SetupLink>>('GET', path`/organizations/${orgId}/setup-links`, { signal }),
  createSetupLink: (orgId: string, expiresInHours: number) =>
    request<CreatedSetupLink>('POST', path`/organizations/${orgId}/setup-links`, { body: { expiresInHours } }),
  revokeSetupLink: (id: string) => request<void>('DELETE', path`/setup-links/${id}`),

  apiKeys: (orgId: string, signal?: AbortSignal) => request<List<ApiKey>>('GET', path`/organizations/${orgId}/api-keys`, { signal }),
  createApiKey: (orgId: string) => request<CreatedApiKey>('POST', path`/organizations/${orgId}/api-keys`),
  revokeApiKey: (id: string) => request<void>('DELETE', path`/api-keys/${id}`),

  auditLog: (after: string | undefined, signal?: AbortSignal) =>
    request<Page<AuditEntry>>('GET', withQuery('/audit-log', { after }), { signal }),

  /** Null when the organization has no Entra ID connection yet. */
  ssoConnection: (orgId: string, signal?: AbortSignal) =>
    request<SsoConnection>('GET', path`/organizations/${orgId}/sso`, { signal }).catch(nullWhenNotFound),
  saveSsoConnection: (orgId: string, connection: SsoConnectionInput) =>
    request<SsoConnection>('PUT', path`/organizations/${orgId}/sso`, { body: connection }),
  removeSsoConnection: (orgId: string) => request<void>('DELETE', path`/organizations/${orgId}/sso`),
  testSsoSignIn: (orgId: string) => request<{ url: string }>('POST', path`/organizations/${orgId}/sso/test`),

  signInSettings: (dirId: string, userId: string, signal?: AbortSignal) =>
    request<SignInSettings>('GET', path`/directories/${dirId}/users/${userId}/sign-in`, { signal }),
  saveLoginMethod: (dirId: string, userId: string, loginMethod: LoginMethod) =>
    request<SignInSettings>('PUT', path`/directories/${dirId}/users/${userId}/sign-in`, { body: { loginMethod } }),
  createUserPasswordLink: (dirId: string, userId: string) =>
    request<PasswordLink>('POST', path`/directories/${dirId}/users/${userId}/password-link`),

  guests: (orgId: string, signal?: AbortSignal) => request<List<Guest>>('GET', path`/organizations/${orgId}/guests`, { signal }),
  createGuest: (orgId: string, guest: NewGuest) => request<CreatedGuest>('POST', path`/organizations/${orgId}/guests`, { body: guest }),
  createGuestPasswordLink: (id: string) => request<PasswordLink>('POST', path`/guests/${id}/password-link`),
  removeGuest: (id: string) => request<void>('DELETE', path`/guests/${id}`),

  oidcClients: (signal?: AbortSignal) => request<OidcClientList>('GET', '/oidc-clients', { signal }),
  createOidcClient: (client: NewOidcClient) => request<CreatedOidcClient>('POST', '/oidc-clients', { body: client }),
  removeOidcClient: (clientId: string) => request<void>('DELETE', path`/oidc-clients/${clientId}`),
};
