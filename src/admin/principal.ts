/**
 * Who is calling the admin API. An operator, or a global API key, sees every organization; a customer's IT admin who
 * opened a setup link, or an organization's API key, sees one.
 */
export type Principal =
  | { kind: 'operator'; adminId: string; username: string }
  | { kind: 'setup'; setupLinkId: string; prefix: string; organizationId: string; organizationName: string; expiresAt: string }
  | { kind: 'api-key'; keyId: string; prefix: string; organizationId: string | null };

/** The one organization the principal is confined to; null for those who see every organization. */
export function organizationScope(principal: Principal): string | null {
  if (principal.kind === 'operator') return null;
  return principal.organizationId;
}

/** Creating organizations and reading across them: operators and global keys. */
export function seesAllOrganizations(principal: Principal): boolean {
  return organizationScope(principal) === null;
}

/**
 * Webhooks, API keys, setup links and the audit log are the operator's integration with their own app: a customer's
 * IT admin, let in by a setup link to connect their identity provider, has no business there.
 */
export function managesIntegrations(principal: Principal): boolean {
  return principal.kind !== 'setup';
}

/** How the audit log names the principal: never a secret, only a name or a display prefix. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'operator':
      return `operator:${principal.username}`;
    case 'setup':
      return `setup-link:${principal.prefix}`;
    case 'api-key':
      return `api-key:${principal.prefix}`;
  }
}
