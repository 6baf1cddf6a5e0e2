import type { Filter } from '../filter/ast.ts';
import { badRequest } from '../messages/error.ts';
import { parseMembers, type MemberInput } from '../resource/member.ts';
import { findSubAttribute } from '../resource/sub-attribute.ts';
import type { AttributeDefinition } from '../schema/attribute.ts';
import type { PatchOpName } from './patch-request.ts';

/**
 * A change to a Group's membership, for the storage layer to apply to membership rows in order. PATCH never loads
 * members: a group may have hundreds of thousands, and every IdP changes them by delta.
 */
export type MemberChange =
  | { op: 'add'; members: MemberInput[] }
  | { op: 'remove'; ids: string[] }
  /** Remove the members the filter selects; its paths are canonical `members` sub-attributes (value, type, …). */
  | { op: 'removeWhere'; filter: Filter }
  | { op: 'removeAll' }
  | { op: 'replaceAll'; members: MemberInput[] };

/** The change one operation on `members` makes, or undefined when it changes nothing (adding no members). */
export function memberChange(
  op: PatchOpName,
  filter: Filter | undefined,
  value: unknown,
  definition: AttributeDefinition,
): MemberChange | undefined {
  if (op === 'remove') return filter ? removeSelected(filter, definition) : removeListed(value);
  if (filter) throw badRequest('invalidPath', 'A value filter on "members" can only select members to remove.');
  const members = parseMembers(value);
  if (op === 'replace') return { op: 'replaceAll', members };
  return members.length > 0 ? { op: 'add', members } : undefined;
}

/**
 * `remove` with path `members`: without a value, all members (RFC 7644 §3.5.2.2). Entra's legacy dialect adds the
 * members to remove as a value; only those go — reading it as "remove all" would empty groups in production.
 */
function removeListed(value: unknown): MemberChange | undefined {
  if (value === undefined || value === null) return { op: 'removeAll' };
  const ids = parseMembers(value).map((member) => member.value);
  return ids.length > 0 ? { op: 'remove', ids } : undefined;
}

/** `members[value eq "id"]` (Entra's flag dialect), possibly `or`-ed, is a removal by id; other filters select. */
function removeSelected(filter: Filter, definition: AttributeDefinition): MemberChange {
  const ids = idsOf(filter);
  return ids ? { op: 'remove', ids } : { op: 'removeWhere', filter: canonicalFilter(filter, definition) };
}

function idsOf(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const left = idsOf(filter.left);
    const right = left && idsOf(filter.right);
    return left && right && [...new Set([...left, ...right])];
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.name.toLowerCase() !== 'value') return undefined;
  // Lenient parsing reads an unquoted numeric id as a number; an id is its text.
  const id = typeof filter.value === 'number' ? String(filter.value) : filter.value;
  return typeof id === 'string' ? [id] : undefined;
}

/** The filter with canonical sub-attribute names, so the storage layer can map each to a membership column. */
function canonicalFilter(filter: Filter, definition: AttributeDefinition): Filter {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return {
        ...filter,
        left: canonicalFilter(filter.left, definition),
        right: canonicalFilter(filter.right, definition),
      };
    case 'not':
      return { ...filter, filter: canonicalFilter(filter.filter, definition) };
    case 'compare':
    case 'present': {
      const sub = findSubAttribute(definition, filter.path.name);
      if (!sub) throw badRequest('invalidPath', `Members have no sub-attribute "${filter.path.name}".`);
      return { ...filter, path: { name: sub.name } };
    }
    case 'valuePath':
      throw badRequest('invalidPath', 'Value filters cannot be nested.');
  }
}
