import type { ProvisioningLogRow } from '../store/provisioning-log-store.ts';

/**
 * What an IT admin reading the provisioning log should understand from a failed SCIM request: the cause in plain
 * words and, where there is one, what to do in Entra ID (or another identity provider). Null for a success.
 * Messages that already speak plainly (attribute rules: "userType 'Gold' is not allowed: use Premium or Standard")
 * are kept as they are.
 */
export function explainLogEntry(entry: Pick<ProvisioningLogRow, 'status' | 'error' | 'resource_type'>): string | null {
  const { status, error } = entry;
  if (status < 400 && error === null) return null;
  const what = entry.resource_type === 'Group' ? 'group' : entry.resource_type === 'User' ? 'user' : 'resource';
  switch (status) {
    case 401:
      return 'The Secret Token sent with the request is wrong or was revoked: paste a current token into Admin Credentials in the identity provider, then Test connection.';
    case 404:
      return `The identity provider asked for a ${what} Roster does not have (never created here, or already deleted). It usually recovers on its next cycle.`;
    case 409:
      return `Another ${what} of this directory already has this value (${error ?? 'a unique attribute'}). Make the attribute unique in the identity provider, or change the mapping.`;
    case 412:
      return `The ${what} changed since the identity provider last read it (version mismatch); the identity provider retries with the new version.`;
    case 413:
      return 'The request was larger than Roster accepts: ' + (error ?? 'see the size limit in /ServiceProviderConfig') + '.';
    case 429:
    case 503:
      return 'Roster was busy or shutting down; the identity provider retries the request.';
    default:
      if (status >= 500) return 'Roster failed to handle the request (an internal error, recorded in its log); the identity provider retries it.';
      return error ?? `The request was refused with HTTP ${status}.`;
  }
}
