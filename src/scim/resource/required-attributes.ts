import { badRequest } from '../messages/error.ts';
import type { ResourceSchema } from '../schema/resource-schema.ts';
import { readAttribute, type ScimDocument } from './document.ts';

/**
 * RFC 7643 §2.2 `required`: a User needs a `userName`, a Group a `displayName` (a blank string is no name). Checked
 * on the resulting document. A POST or PUT without one is `invalidValue`; a PATCH that removes or blanks one is
 * `mutability`, as RFC 7644 §3.5.2.2 says for a required attribute that "is removed or becomes unassigned".
 */
export function assertRequiredAttributes(doc: ScimDocument, schema: ResourceSchema, scimType: 'invalidValue' | 'mutability' = 'invalidValue'): void {
  for (const definition of schema.topLevel) {
    if (!definition.required || definition.mutability === 'readOnly') continue;
    const value = readAttribute(doc, { urn: undefined, name: definition.name });
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      throw badRequest(scimType, `${definition.name} is required.`);
    }
  }
}
