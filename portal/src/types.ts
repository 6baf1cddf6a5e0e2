// The shapes of the admin API (docs/admin-api.md). Times are ISO 8601 strings; null where the API says so.

export type Principal =
  | { kind: 'operator'; username: string }
  | { kind: 'setup'; organizationId: string; organizationName: string; expiresAt: string };

export interface Session {
  principal: Principal;
  csrfToken: string;
}

/** A page of a list: pass `next` as `after` for the following page; null on the last one. */
export interface Page<T> {
  data: T[];
  next: string | null;
}

/** A list the API answers whole. */
export interface List<T> {
  data: T[];
}

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
  directoryCount: number;
}

export type Provider = 'entra' | 'okta' | 'generic';

export interface Directory {
  id: string;
  organizationId: string;
  name: string;
  provider: Provider;
  createdAt: string;
  activatedAt: string | null;
  userCount: number;
  groupCount: number;
  tenantUrl: string;
  entraTenantUrl: string;
  status: 'waiting' | 'connected';
  lastRequestAt: string | null;
}

export interface CreatedDirectory {
  directory: Directory;
  /** The Secret Token: the API shows it this once. */
  token: string;
}

export interface Token {
  id: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedToken {
  token: string;
  record: Token;
}

export interface AttributeRules {
  required?: string[];
  uniqueEmail?: boolean;
  uniqueExternalId?: boolean;
  allowedValues?: Record<string, string[]>;
  defaults?: Record<string, unknown>;
}

export interface Email {
  value: string;
  type?: string | null;
  primary?: boolean | null;
}

export interface Role {
  value: string;
  display?: string | null;
  type?: string | null;
  primary?: boolean | null;
}

export interface GroupRef {
  id: string;
  displayName: string;
}

export interface User {
  id: string;
  externalId: string | null;
  userName: string;
  displayName: string | null;
  name: { givenName: string | null; familyName: string | null; formatted: string | null } | null;
  emails: Email[];
  active: boolean;
  userType: string | null;
  roles: Role[];
  /** Only on a single user. */
  groups?: GroupRef[];
  /** The SCIM resource as the identity provider sent it. */
  raw: Record<string, unknown>;
}

export interface Group {
  id: string;
  externalId: string | null;
  displayName: string;
  raw: Record<string, unknown>;
}

export interface LogEntry {
  id: string;
  at: string;
  requestId: string;
  method: string;
  path: string;
  status: number;
  resourceType: string | null;
  resourceId: string | null;
  label: string | null;
  durationMs: number;
  error: string | null;
  explanation: string | null;
}

export interface DirectoryStats {
  /** The last 24 hours, oldest first; `hour` is the hour's start. */
  requests: { hour: string; total: number; failed: number }[];
  /** The last 30 days, oldest first; `day` is `YYYY-MM-DD`. */
  users: { day: string; count: number }[];
}

export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  directoryId: string | null;
  url: string;
  description: string | null;
  /** Empty: every event type. */
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewWebhookEndpoint {
  url: string;
  directoryId?: string;
  eventTypes?: string[];
  description?: string;
}

export interface CreatedWebhookEndpoint {
  endpoint: WebhookEndpoint;
  /** The `whsec_` signing secret: the API shows it this once. */
  secret: string;
}

export interface RotatedSecret {
  secret: string;
  /** Until when signatures with the previous secret are still sent. */
  previousExpiresAt: string | null;
}

export interface TestDelivery {
  status: number | null;
  latencyMs: number | null;
  excerpt: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  eventId: string;
  type: string;
  directoryId: string;
  sequence: number;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  completedAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

export interface SetupLink {
  id: string;
  organizationId: string;
  prefix: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface CreatedSetupLink {
  link: SetupLink;
  /** `{public-url}/portal/setup#<token>`: the API shows it this once. */
  url: string;
}

export interface ApiKey {
  id: string;
  organizationId: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  key: string;
  record: ApiKey;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  organizationId: string | null;
  action: string;
  target: string | null;
  details: unknown;
}

/** An organization's Microsoft Entra ID connection, for single sign-on. Its client secret is write-only. */
export interface SsoConnection {
  organizationId: string;
  clientId: string;
  tenantId: string;
  issuer: string;
  /** The platform Roster signs in through: `web` with the client secret, `mobileAndDesktop` as a public client. */
  platform: EntraPlatform;
  clientSecretExpiresAt: string | null;
  justInTime: boolean;
  createdAt: string;
  updatedAt: string;
  /** What to register under Authentication → Add a platform in the Entra app registration, per platform. */
  redirectUris: Record<EntraPlatform, string[]>;
  /** What to register as the Front-channel logout URL, so that signing out of Entra signs out of Roster. */
  frontChannelLogoutUrl: string;
}

/** The platform of Entra's app registration whose redirect URI Roster uses. */
export type EntraPlatform = 'web' | 'mobileAndDesktop';

export interface SsoConnectionInput {
  clientId: string;
  /** The Directory (tenant) ID, a tenant domain, or the Authority URL. */
  authority: string;
  /** Left out to keep the stored secret; null for none (a public client). */
  clientSecret?: string | null;
  clientSecretExpiresAt?: string | null;
  justInTime?: boolean;
}

export type LoginMethod = 'external' | 'built-in';

/** How one person signs in. */
export interface SignInSettings {
  /** Null until the person first signs in or a setting is made. */
  accountId: string | null;
  loginMethod: LoginMethod;
  /** The Entra ID user this person is linked to, once they signed in with Entra ID. */
  entraObjectId: string | null;
  hasPassword: boolean;
}

/** A one-time link where a person chooses a built-in password: the API shows it this once. */
export interface PasswordLink {
  url: string;
  expiresAt: string;
}

/** Someone who signs in with a built-in password and is not in any directory. */
export interface Guest {
  id: string;
  organizationId: string;
  username: string;
  displayName: string | null;
  email: string | null;
  loginMethod: LoginMethod;
  hasPassword: boolean;
  createdAt: string;
}

export interface NewGuest {
  username: string;
  displayName?: string;
  email?: string;
}

export interface CreatedGuest {
  guest: Guest;
  passwordLink: PasswordLink;
}

/** An app that signs people in through Roster's OpenID provider. */
export interface OidcClient {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** `web`: a server-side app with a secret; `native`: a mobile or desktop app, a public client with PKCE. */
  applicationType: 'web' | 'native';
  createdAt: string;
}

export interface OidcClientList extends List<OidcClient> {
  /** Roster's OpenID provider, what the app's OIDC library discovers. */
  issuer: string;
}

export interface NewOidcClient {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  native?: boolean;
}

export interface CreatedOidcClient {
  client: OidcClient;
  /** Shown this once; null for a mobile or desktop app, which has none. */
  clientSecret: string | null;
}
