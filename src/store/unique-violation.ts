import { conflict, type ScimError } from '../scim/messages/error.ts';

/** Which unique index a violation hit, told by its column, so the client learns which attribute clashed. */
const CLASHES: Array<[column: string, message: string]> = [
  ['user_name_key', 'userName is already taken in this directory'],
  ['unique_email_key', 'email is already used by another user in this directory (rule: unique email)'],
  ['unique_external_id', 'externalId is already used by another user in this directory (rule: unique externalId)'],
  ['display_name_key', 'displayName is already taken by another group in this directory'],
  ['external_id', 'externalId is already used by another resource of this type in this directory'],
];

/**
 * Turns a database unique-constraint error into SCIM's 409 `uniqueness`; returns undefined for any other error.
 * The database is the judge (not a read before the write), so two instances racing on one userName still yield
 * exactly one winner.
 */
export function uniqueViolation(error: unknown): ScimError | undefined {
  const e = error as { code?: string; message?: string; constraint?: string; detail?: string } | undefined;
  const isUnique = e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === '23505';
  if (!isUnique) return undefined;
  const text = `${e.message ?? ''} ${e.constraint ?? ''} ${e.detail ?? ''}`;
  const clash = CLASHES.find(([column]) => text.includes(column)) ?? CLASHES.find(([, m]) => text.includes(m));
  return conflict(clash?.[1] ?? 'a resource with the same unique attribute already exists');
}
