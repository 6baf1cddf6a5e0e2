import type { ScimDocument } from '../scim/resource/document.ts';

/**
 * The objects events carry, in one flat shape the host app can read without knowing SCIM: the attributes every app
 * needs at the top, and the whole SCIM resource (extension attributes included) in `raw`.
 */
export interface EventUser {
  id: string;
  externalId: string | null;
  userName: string;
  displayName: string | null;
  name: { givenName: string | null; familyName: string | null; formatted: string | null };
  /** Primary email first. */
  emails: Array<{ value: string; type: string | null; primary: boolean }>;
  active: boolean;
  userType: string | null;
  roles: Array<{ value: string; display: string | null; type: string | null; primary: boolean }>;
  /**
   * The groups the user is a direct member of when the event was written: in `dsync.user.*` events only. A
   * membership event is about one group, and a user in thousands of groups would make each of them carry all.
   */
  groups?: Array<{ id: string; displayName: string }>;
  raw: ScimDocument;
}

export interface EventGroup {
  id: string;
  externalId: string | null;
  displayName: string;
  /** The SCIM resource without `members` (a group may have 100,000; membership events carry each change). */
  raw: ScimDocument;
}

export interface EventDirectory {
  id: string;
  name: string;
  provider: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const records = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];

export function eventUser(id: string, doc: ScimDocument, groups?: EventUser['groups']): EventUser {
  const name = (typeof doc.name === 'object' && doc.name !== null ? doc.name : {}) as Record<string, unknown>;
  const emails = records(doc.emails)
    .filter((e) => typeof e.value === 'string')
    .map((e) => ({ value: e.value as string, type: text(e.type), primary: e.primary === true }))
    .sort((a, b) => Number(b.primary) - Number(a.primary));
  return {
    id,
    externalId: text(doc.externalId),
    userName: text(doc.userName) ?? '',
    displayName: text(doc.displayName),
    name: { givenName: text(name.givenName), familyName: text(name.familyName), formatted: text(name.formatted) },
    emails,
    // RFC 7643 leaves `active` unset by default; Roster treats a provisioned user as active until told otherwise.
    active: doc.active !== false,
    userType: text(doc.userType),
    roles: records(doc.roles)
      .filter((r) => typeof r.value === 'string')
      .map((r) => ({ value: r.value as string, display: text(r.display), type: text(r.type), primary: r.primary === true })),
    ...(groups && { groups }),
    raw: { id, ...doc },
  };
}

export function eventGroup(id: string, doc: ScimDocument): EventGroup {
  return { id, externalId: text(doc.externalId), displayName: text(doc.displayName) ?? '', raw: { id, ...doc } };
}
