import type { Generated } from 'kysely';

/**
 * The tables, as Kysely sees them. Timestamps are ISO-8601 strings (they sort as text on every dialect) and SCIM
 * documents are JSON text: the promoted columns are what indexes, uniqueness and sorting use; everything else is
 * answered from `doc`.
 */
export interface Database {
  organizations: OrganizationTable;
  api_keys: ApiKeyTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_cursors: WebhookCursorTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  directories: DirectoryTable;
  tokens: TokenTable;
  users: UserTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  extension_attributes: ExtensionAttributeTable;
  changes: ChangeTable;
  provisioning_log: ProvisioningLogTable;
  admins: AdminTable;
  setup_links: SetupLinkTable;
  admin_sessions: AdminSessionTable;
  audit_log: AuditLogTable;
  sso_connections: SsoConnectionTable;
  sso_states: SsoStateTable;
  entra_sessions: EntraSessionTable;
  accounts: AccountTable;
  oidc_payloads: OidcPayloadTable;
  oidc_clients: OidcClientTable;
  oidc_keys: OidcKeyTable;
  password_links: PasswordLinkTable;
}

export interface DirectoryTable {
  id: string;
  name: string;
  provider: string;
  /** JSON: attribute rules and provider overrides. */
  settings: string;
  /** Last sequence number handed out to this directory's change log (gap-free, bumped in each write transaction). */
  change_seq: Generated<number>;
  /** Kept in the write transaction so an unfiltered list answers totalResults without counting the directory. */
  user_count: Generated<number>;
  group_count: Generated<number>;
  created_at: string;
  /** When the IdP's first authenticated request arrived ("Test connection"). */
  activated_at: string | null;
  /** Null only in a database migrated while the row was being written; every directory has an organization. */
  organization_id: string | null;
  /** Set when the directory is deleted: it no longer answers SCIM requests. */
  deleted_at: string | null;
}

export interface OrganizationTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  /** Null for a global key. */
  organization_id: string | null;
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface WebhookEndpointTable {
  id: string;
  organization_id: string;
  /** Null: every directory of the organization. */
  directory_id: string | null;
  url: string;
  description: string | null;
  /** JSON array of event types; empty means all. */
  event_types: string;
  /** The signing secret, encrypted at rest. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  /** 1 or 0. */
  enabled: number;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookCursorTable {
  endpoint_id: string;
  directory_id: string;
  /** The last event sequence number of the directory enqueued for the endpoint. */
  seq: number;
  /** The delivery worker that sends this endpoint this directory's events, while its lease runs. */
  lease_owner: string | null;
  lease_expires_at: string | null;
}

export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  directory_id: string;
  seq: number;
  status: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  attempts: number;
  next_attempt_at: string;
  created_at: string;
  completed_at: string | null;
}

export interface WebhookAttemptTable {
  id: Generated<number>;
  delivery_id: string;
  at: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

export interface TokenTable {
  id: string;
  directory_id: string;
  /** Hex SHA-256 of the whole token; the token itself is never stored. */
  hash: string;
  /** The first characters of the token, to tell tokens apart in listings. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface ResourceColumns {
  id: string;
  directory_id: string;
  external_id: string | null;
  /** The SCIM resource without id, meta and computed attributes (members, groups), as JSON text. */
  doc: string;
  version: number;
  created_at: string;
  last_modified: string;
}

export interface UserTable extends ResourceColumns {
  user_name: string;
  /** Lower-cased userName: the unique, case-insensitive key (RFC 7643: userName is caseExact false). */
  user_name_key: string;
  display_name: string | null;
  /** 1 or 0. */
  active: number;
  /** Lower-cased primary (else first) email, for lookups and sorting. */
  email_key: string | null;
  /** Same as email_key, but only set when the directory's rules demand unique emails; a unique index enforces it. */
  unique_email_key: string | null;
  /** externalId, set only when the directory's rules demand unique externalIds; a unique index enforces it. */
  unique_external_id: string | null;
}

export interface GroupTable extends ResourceColumns {
  display_name: string;
  display_name_key: string;
}

export interface GroupMemberTable {
  group_id: string;
  member_id: string;
  directory_id: string;
  member_type: 'User' | 'Group';
  created_at: string;
}

export interface ExtensionAttributeTable {
  directory_id: string;
  resource_type: 'User' | 'Group';
  urn: string;
  name: string;
  /** Lower-cased `urn:name`, so one attribute is recorded once whatever casing later requests use. */
  key: string;
  type: string;
  multi_valued: number;
  created_at: string;
}

export interface ChangeTable {
  directory_id: string;
  seq: number;
  /** The event's id: stable across deliveries (the `webhook-id`), so receivers dedupe by it. */
  event_id: string;
  /** The event type, e.g. `dsync.user.created` (src/events/event-type.ts). */
  type: string;
  resource_type: 'User' | 'Group' | 'Directory';
  /** The user, group or directory the event is about; the group for membership events. */
  resource_id: string;
  /** The user a membership event adds or removes. */
  member_id: string | null;
  /** JSON array of the attribute names that changed (updates only; else empty). */
  attributes: string;
  /** JSON: the event's `data` (the normalized objects, with the raw SCIM resource). */
  data: string;
  created_at: string;
}

export interface ProvisioningLogTable {
  id: Generated<number>;
  directory_id: string;
  at: string;
  request_id: string;
  method: string;
  path: string;
  status: number;
  resource_type: string | null;
  resource_id: string | null;
  /** userName or displayName the request was about, so an admin can find "why did alice fail?". */
  label: string | null;
  duration_ms: number;
  error: string | null;
}

export interface AdminTable {
  id: string;
  username: string;
  username_key: string;
  /** `scrypt$N$r$p$salt$hash`; the password itself is never stored. */
  password_hash: string;
  /** Wrong passwords in a row; the account locks after a few (admin/sign-in-throttle.ts). */
  failed_attempts: Generated<number>;
  locked_until: string | null;
  created_at: string;
  last_sign_in_at: string | null;
}

export interface SetupLinkTable {
  id: string;
  organization_id: string;
  /** Hex SHA-256 of the link's token. */
  hash: string;
  prefix: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface AdminSessionTable {
  /** Hex SHA-256 of the session cookie's value. */
  id: string;
  admin_id: string | null;
  setup_link_id: string | null;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  organization_id: string | null;
  action: string;
  target: string | null;
  /** JSON object. */
  details: string;
  request_id: string | null;
}

export interface SsoConnectionTable {
  organization_id: string;
  client_id: string;
  tenant_id: string;
  issuer: string;
  /** Sealed by the SecretBox; null for a public client (no secret, PKCE alone). */
  client_secret: string | null;
  client_secret_expires_at: string | null;
  /** 1 or 0. */
  just_in_time: number;
  created_at: string;
  updated_at: string;
}

export interface EntraSessionTable {
  /** Hex SHA-256 of the ID token's `sid`. */
  sid_hash: string;
  account_id: string;
  created_at: string;
  expires_at: string;
}

export interface SsoStateTable {
  /** Hex SHA-256 of the state. */
  id: string;
  organization_id: string;
  code_verifier: string;
  nonce: string;
  /** JSON. */
  purpose: string;
  created_at: string;
  expires_at: string;
}

export interface AccountTable {
  id: string;
  organization_id: string;
  user_id: string | null;
  login_method: 'external' | 'built-in';
  entra_oid: string | null;
  username: string | null;
  username_key: string | null;
  display_name: string | null;
  email: string | null;
  password_hash: string | null;
  failed_attempts: Generated<number>;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface OidcPayloadTable {
  id: string;
  kind: string;
  /** JSON. */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

export interface OidcClientTable {
  client_id: string;
  name: string;
  /** JSON. */
  metadata: string;
  client_secret: string | null;
  created_at: string;
}

export interface OidcKeyTable {
  id: string;
  value: string;
  created_at: string;
}

export interface PasswordLinkTable {
  /** Hex SHA-256 of the link's token. */
  id: string;
  account_id: string;
  created_at: string;
  expires_at: string;
}
