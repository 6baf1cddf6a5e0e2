import type { AdminAccounts } from '../../admin/admin-accounts.ts';
import type { AdminScope } from '../../admin/admin-scope.ts';
import type { AdminSessions } from '../../admin/admin-sessions.ts';
import type { AuditLog } from '../../admin/audit-log.ts';
import type { SetupLinks } from '../../admin/setup-links.ts';
import type { ApiKeys } from '../../api/api-keys.ts';
import type { DirectoryReader } from '../../api/directory-reader.ts';
import type { DirectoryService } from '../../directory/directory-service.ts';
import type { DirectoryStatsStore } from '../../store/directory-stats.ts';
import type { ProvisioningLogStore } from '../../store/provisioning-log-store.ts';
import type { OidcClients } from '../../oidc/oidc-clients.ts';
import type { SignInSettings } from '../../sso/sign-in-settings.ts';
import type { SsoConnections } from '../../sso/sso-connections.ts';
import type { SsoSignIn } from '../../sso/sso-sign-in.ts';
import type { WebhookService } from '../../webhooks/webhook-service.ts';
import type { AdminAuth } from './admin-auth.ts';

/** What the admin API's routes use; app.ts builds it. */
export interface AdminServices {
  auth: AdminAuth;
  accounts: AdminAccounts;
  sessions: AdminSessions;
  scope: AdminScope;
  audit: AuditLog;
  directories: DirectoryService;
  reader: DirectoryReader;
  provisioningLog: ProvisioningLogStore;
  stats: DirectoryStatsStore;
  webhooks: WebhookService;
  setupLinks: SetupLinks;
  apiKeys: ApiKeys;
  sso: SsoConnections;
  ssoSignIn: SsoSignIn;
  signInSettings: SignInSettings;
  oidcClients: OidcClients;
  /** The base of Tenant URLs: the configured public URL, else the request's own origin. */
  publicUrl: (request: { protocol: string; host: string }) => string;
}
