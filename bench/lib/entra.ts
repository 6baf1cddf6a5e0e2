// The requests the benchmark sends, shaped like the ones Microsoft Entra ID sends (see test/fixtures/entra/):
// bodies are built as strings because the load generator shares the machine with the server and every microsecond
// it spends is one the server does not get.

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTRA_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Where one directory's SCIM endpoints live, and how to authenticate to it. */
export interface ScimTarget {
  /** `http://127.0.0.1:P`: what autocannon connects to. */
  origin: string;
  /** `/scim/v2/{directoryId}`: the path prefix of every request. */
  base: string;
  headers: Record<string, string>;
}

export function scimTarget(origin: string, directoryId: string, token: string): ScimTarget {
  return {
    origin,
    base: `/scim/v2/${directoryId}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' },
  };
}

/** A deterministic fake GUID, so that a run's externalIds are unique without a random generator in the hot loop. */
function fakeGuid(prefix: string, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `${prefix}-0000-4000-8000-${hex}`;
}

/** POST /Users as in test/fixtures/entra/user-create.json (enterprise URN listed, empty roles, meta.resourceType). */
export function createUserBody(userName: string, n: number): string {
  return JSON.stringify({
    schemas: [CORE_USER, ENTERPRISE_USER],
    externalId: fakeGuid('0a21f0f2', n),
    userName,
    active: true,
    displayName: `User ${n}`,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `Given${n} Family${n}`, familyName: `Family${n}`, givenName: `Given${n}` },
    roles: [],
  });
}

/** POST /Groups as in group-create.json: Entra's extra non-URN schema, always created without members. */
export function createGroupBody(displayName: string, n: number): string {
  return JSON.stringify({
    schemas: [CORE_GROUP, ENTRA_GROUP],
    externalId: fakeGuid('8aa1a0c0', n),
    displayName,
    meta: { resourceType: 'Group' },
  });
}

/** PATCH /Groups/{id} as in group-patch-add-members.json: capitalised "Add", `$ref: null` on every member. */
export function addMembersBody(memberIds: readonly string[]): string {
  return JSON.stringify({
    schemas: [PATCH_OP],
    Operations: [{ op: 'Add', path: 'members', value: memberIds.map((value) => ({ $ref: null, value })) }],
  });
}

/** PATCH /Users/{id} as in user-disable.json and user-patch-singlevalued.json: capitalised "Replace" ops. */
export function replaceUserBody(displayName: string, active: boolean): string {
  return JSON.stringify({
    schemas: [PATCH_OP],
    Operations: [
      { op: 'Replace', path: 'displayName', value: displayName },
      { op: 'Replace', path: 'active', value: active },
    ],
  });
}

/** `?filter=attr eq "value"`, percent-encoded as it goes on the wire. */
export function eqFilter(attribute: string, value: string): string {
  return `filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`;
}

/** The `id` of a SCIM resource in a response body, or undefined when the body is not one. */
export function idOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

/** `totalResults` of a ListResponse body, or undefined when the body is not one. */
export function totalResultsOf(body: string): number | undefined {
  try {
    const parsed = JSON.parse(body) as { totalResults?: unknown };
    return typeof parsed.totalResults === 'number' ? parsed.totalResults : undefined;
  } catch {
    return undefined;
  }
}
