import type { LoginMethod, Provider } from './types.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A time of the API in the reader's time zone; a dash for "never". */
export function formatDateTime(iso: string | null | undefined, { seconds = false } = {}): string {
  if (!iso) return '—';
  return (seconds ? dateTimeSeconds : dateTime).format(new Date(iso));
}

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/**
 * A calendar day the admin entered (a client secret's expiry). The API keeps it as midnight UTC, so it is read in UTC:
 * in the reader's zone west of Greenwich it would show as the day before.
 */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  return day.format(new Date(iso));
}

export const PROVIDER_NAMES: Record<Provider, string> = {
  entra: 'Microsoft Entra ID',
  okta: 'Okta',
  generic: 'Generic SCIM 2.0',
};

export const LOGIN_METHOD_NAMES: Record<LoginMethod, string> = {
  external: 'Microsoft Entra ID (external)',
  'built-in': 'Built-in password',
};

/** "1 user", "12 users". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? noun : plural}`;
}

interface Credential {
  revokedAt: string | null;
  expiresAt?: string;
}

function expired(credential: Credential): boolean {
  return credential.expiresAt !== undefined && Date.parse(credential.expiresAt) <= Date.now();
}

/** Tokens, API keys and setup links work until revoked (or, for a setup link, expired). */
export function isActive(credential: Credential): boolean {
  return !credential.revokedAt && !expired(credential);
}

export function credentialStatus(credential: Credential): string {
  if (credential.revokedAt) return `Revoked ${formatDateTime(credential.revokedAt)}`;
  return expired(credential) ? 'Expired' : 'Active';
}

/** What to tell the user about a failure: the API's own message, or what went wrong on the way. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The API writes its messages in lower case, to be quoted inside sentences.
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** An endpoint's event types in words: none listed means all of them. */
export function eventTypesOf(endpoint: { eventTypes: string[] }): string {
  return endpoint.eventTypes.length === 0 ? 'All events' : endpoint.eventTypes.join(', ');
}

export function endpointStatus(endpoint: { enabled: boolean; disabledReason: string | null }): string {
  if (endpoint.enabled) return 'Enabled';
  return endpoint.disabledReason ? `Disabled: ${endpoint.disabledReason}` : 'Disabled';
}

/** The non-empty lines of a textarea that takes one item a line, trimmed. */
export function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}
