import type { AttributeDefinition } from '../schema/attribute.ts';

/** The sub-attribute of a complex attribute named `name`, ignoring case (RFC 7643 §2.1). */
export function findSubAttribute(definition: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return definition.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}
