import { badRequest } from '../messages/error.ts';
import type { ResourceSchema } from '../schema/resource-schema.ts';
import { readAttribute, type ScimDocument } from './document.ts';

/**
 * RFC 7643 §2.2 `required`: a User needs a `userName`, a Group a `displayName` (a blank string is no name). Checked
 * on the resulting document, after POST/PUT and after PATCH alike, so a PATCH that removes or blanks one is refused
 * with the same error: invalidValue, the scimType RFC 7644 §3.12 gives for "a required value was missing" (the
 * attribute is readWrite, so mutability would misdescribe it).
 */
export function assertRequiredAttributes(doc: ScimDocument, schema: ResourceSchema): void {
  for (const definition of schema.topLevel) {
    if (!definition.required || definition.mutability === 'readOnly') continue;
    const value = readAttribute(doc, { urn: undefined, name: definition.name });
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      throw badRequest('invalidValue', `${definition.name} is required.`);
    }
  }
}
