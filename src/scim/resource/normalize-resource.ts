import { badRequest } from '../messages/error.ts';
import type { ExtensionAttribute, ResourceSchema } from '../schema/resource-schema.ts';
import { assignValue } from './assign-value.ts';
import { resolveTarget, type AttributeTarget } from './attribute-target.ts';
import { bodyEntries } from './body-entries.ts';
import { newExtensionAttributes } from './custom-attribute.ts';
import type { ScimDocument } from './document.ts';
import { isJsonObject } from './json.ts';
import { parseMembers, type MemberInput } from './member.ts';
import { assertRequiredAttributes } from './required-attributes.ts';

export interface NormalizedResource {
  doc: ScimDocument;
  /** Group `members`, when the body has them (a PUT without `members` leaves membership alone). */
  members?: MemberInput[];
  /** Custom extension attributes the schema did not declare, for the caller to register. */
  newExtensionAttributes: ExtensionAttribute[];
}

/**
 * Turns a POST or PUT body into a stored document (see ScimDocument). What IdPs send beyond the schema is tolerated:
 * unknown attributes and unknown sub-attributes of core attributes are dropped, readOnly ones (`id`, `meta`,
 * `groups`) ignored as RFC 7643 §2.2 says, `password` accepted and discarded, `schemas` not consulted (it is
 * recomputed on output). Values of the wrong type are refused with invalidValue.
 */
export function normalizeResource(input: unknown, schema: ResourceSchema): NormalizedResource {
  if (!isJsonObject(input)) throw badRequest('invalidSyntax', 'The request body must be a JSON object.');
  const doc: ScimDocument = {};
  let members: MemberInput[] | undefined;
  const inferred: AttributeTarget[] = [];
  for (const { path, value } of bodyEntries(input, schema)) {
    const resolution = resolveTarget(path, schema);
    if (resolution.kind === 'members' && resolution.sub === undefined) members = parseMembers(value);
    if (resolution.kind !== 'attribute') continue;
    const { target } = resolution;
    // `emails.value` names no single value; without a value filter there is nothing to set.
    if (target.sub && target.definition.multiValued) continue;
    assignValue(doc, target, value);
    if (target.inferred) inferred.push(target);
  }
  assertRequiredAttributes(doc, schema);
  return {
    doc,
    ...(members && { members }),
    newExtensionAttributes: newExtensionAttributes(doc, schema.type, inferred),
  };
}
