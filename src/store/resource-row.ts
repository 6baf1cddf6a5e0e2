import type { Selectable } from 'kysely';
import type { ScimDocument } from '../scim/resource/document.ts';
import type { ResourceTypeName } from '../scim/schema/resource-schema.ts';
import type { GroupTable, UserTable } from './database.ts';

/** A resource as the store keeps it: the client's document plus what the server owns. */
export interface StoredResource {
  id: string;
  type: ResourceTypeName;
  doc: ScimDocument;
  version: number;
  created: string;
  lastModified: string;
}

export type ResourceTable = 'users' | 'groups';

export const tableOf = (type: ResourceTypeName): ResourceTable => (type === 'User' ? 'users' : 'groups');

export type ResourceRow = Selectable<UserTable> | Selectable<GroupTable>;

/** Every column of a row, in one order: what the prepared INSERT and UPDATE bind. */
export const USER_COLUMNS = ['id', 'directory_id', 'user_name', 'user_name_key', 'external_id', 'display_name', 'active', 'email_key', 'unique_email_key', 'doc', 'version', 'created_at', 'last_modified'] as const;
export const GROUP_COLUMNS = ['id', 'directory_id', 'display_name', 'display_name_key', 'external_id', 'doc', 'version', 'created_at', 'last_modified'] as const;

export function fromRow(type: ResourceTypeName, row: ResourceRow): StoredResource {
  return {
    id: row.id,
    type,
    doc: JSON.parse(row.doc) as ScimDocument,
    version: Number(row.version),
    created: row.created_at,
    lastModified: row.last_modified,
  };
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The primary email, else the first: what "the user's email" means for lookups and the unique-email rule. */
function emailOf(doc: ScimDocument): string | null {
  const emails = Array.isArray(doc.emails) ? (doc.emails as Array<Record<string, unknown>>) : [];
  const chosen = emails.find((e) => e?.primary === true) ?? emails[0];
  const value = text(chosen?.value);
  return value ? value.toLowerCase() : null;
}

/** The promoted columns of a user: what indexes, uniqueness and sorting read instead of the JSON. */
export function userColumns(doc: ScimDocument, uniqueEmail: boolean) {
  const userName = text(doc.userName) ?? '';
  const email = emailOf(doc);
  return {
    user_name: userName,
    user_name_key: userName.toLowerCase(),
    external_id: text(doc.externalId),
    display_name: text(doc.displayName),
    // RFC 7643 leaves `active` unset by default; a provisioned user is active until the IdP says otherwise.
    active: doc.active === false ? 0 : 1,
    email_key: email,
    unique_email_key: uniqueEmail ? email : null,
    doc: JSON.stringify(doc),
  };
}

export function groupColumns(doc: ScimDocument) {
  const displayName = text(doc.displayName) ?? '';
  return {
    display_name: displayName,
    display_name_key: displayName.toLowerCase(),
    external_id: text(doc.externalId),
    doc: JSON.stringify(doc),
  };
}
