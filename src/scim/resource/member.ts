import { badRequest } from '../messages/error.ts';
import { findKey, isJsonObject } from './json.ts';

/** A Group member as a client sends it; the storage layer keeps members as rows, never in the group document. */
export interface MemberInput {
  value: string;
  type?: 'User' | 'Group';
  display?: string;
}

const MEMBER_TYPES = ['User', 'Group'] as const;

/**
 * Reads a `members` value: an array of members, or one member object (null means none). Duplicate ids collapse to
 * the first, since a group holds each member once. `$ref` and `display` are accepted and ignored: the server
 * computes both from the member resource (Entra sends `"$ref": null`).
 */
export function parseMembers(value: unknown): MemberInput[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const byId = new Map<string, MemberInput>();
  for (const item of items) {
    const member = parseMember(item);
    if (!byId.has(member.value)) byId.set(member.value, member);
  }
  return [...byId.values()];
}

function parseMember(item: unknown): MemberInput {
  if (!isJsonObject(item)) throw badRequest('invalidValue', 'Each member must be an object with a "value".');
  const valueKey = findKey(item, 'value');
  const value = valueKey === undefined ? undefined : item[valueKey];
  if (typeof value !== 'string' || value === '') {
    throw badRequest('invalidValue', 'Each member needs a non-empty string "value" (the member id).');
  }
  const typeKey = findKey(item, 'type');
  const type = typeKey === undefined ? undefined : item[typeKey];
  if (type === undefined || type === null) return { value };
  const canonical = MEMBER_TYPES.find((t) => typeof type === 'string' && t.toLowerCase() === type.toLowerCase());
  if (!canonical) throw badRequest('invalidValue', `Member type must be "User" or "Group", not ${JSON.stringify(type)}.`);
  return { value, type: canonical };
}
