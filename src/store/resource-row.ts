import type { Selectable } from 'kysely';
import { badRequest } from '../scim/messages/error.ts';
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
export const USER_COLUMNS = ['id', 'directory_id', 'user_name', 'user_name_key', 'external_id', 'display_name', 'active', 'email_key', 'unique_email_key', 'unique_external_id', 'doc', 'version', 'created_at', 'last_modified'] as const;
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

/**
 * The longest value, in UTF-8 bytes, of an attribute kept in an indexed column (userName, externalId, displayName,
 * the email key). PostgreSQL's B-tree refuses index entries above 2,704 bytes; the cap leaves room for the
 * directory id beside the value, and is applied on SQLite too so that both databases accept the same requests.
 * Real values are far shorter (Entra's userName is at most 113 characters).
 */
export const MAX_INDEXED_BYTES = 1024;

function indexed(attribute: string, value: string | null): string | null {
  if (value !== null && Buffer.byteLength(value) > MAX_INDEXED_BYTES) {
    throw badRequest('invalidValue', `${attribute} is longer than ${MAX_INDEXED_BYTES} bytes`);
  }
  return value;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The primary email, else the first: what "the user's email" means for lookups and the unique-email rule. */
function emailOf(doc: ScimDocument): string | null {
  const emails = Array.isArray(doc.emails) ? (doc.emails as Array<Record<string, unknown>>) : [];
  const chosen = emails.find((e) => e?.primary === true) ?? emails[0];
  const value = text(chosen?.value);
  return value ? value.toLowerCase() : null;
}

/** Which of the directory's uniqueness rules are on: their columns join a unique index only then. */
export interface UniquenessRules {
  uniqueEmail: boolean;
  uniqueExternalId: boolean;
}

/** The promoted columns of a user: what indexes, uniqueness and sorting read instead of the JSON. */
export function userColumns(doc: ScimDocument, rules: UniquenessRules) {
  const userName = indexed('userName', text(doc.userName)) ?? '';
  const email = indexed('email', emailOf(doc));
  return {
    user_name: userName,
    user_name_key: userName.toLowerCase(),
    external_id: indexed('externalId', text(doc.externalId)),
    unique_external_id: rules.uniqueExternalId ? text(doc.externalId) : null,
    display_name: text(doc.displayName),
    // RFC 7643 leaves `active` unset by default; a provisioned user is active until the IdP says otherwise.
    active: doc.active === false ? 0 : 1,
    email_key: email,
    unique_email_key: rules.uniqueEmail ? email : null,
    doc: JSON.stringify(doc),
  };
}

export function groupColumns(doc: ScimDocument) {
  const displayName = indexed('displayName', text(doc.displayName)) ?? '';
  return {
    display_name: displayName,
    display_name_key: displayName.toLowerCase(),
    external_id: indexed('externalId', text(doc.externalId)),
    doc: JSON.stringify(doc),
  };
}
