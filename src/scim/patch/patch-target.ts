import type { Filter } from '../filter/ast.ts';
import { badRequest } from '../messages/error.ts';
import { parsePatchPath } from '../path/patch-path.ts';
import { resolveTarget, type AttributeTarget } from '../resource/attribute-target.ts';
import type { AttributeDefinition } from '../schema/attribute.ts';
import type { ResourceSchema } from '../schema/resource-schema.ts';

/** What one PATCH operation's `path` designates. */
export type PatchTarget =
  /** No path, or the core schema URN: the value lists attributes, like a resource body. */
  | { kind: 'resource' }
  /** A bare extension URN: the whole extension object. */
  | { kind: 'extension'; urn: string }
  /** An attribute or sub-attribute; with a filter, of the selected elements of a multi-valued attribute. */
  | { kind: 'attribute'; target: AttributeTarget; filter?: Filter }
  | { kind: 'members'; definition: AttributeDefinition; filter?: Filter }
  /** `password`: accepted and dropped, as Roster stores no credentials. */
  | { kind: 'discard' };

/**
 * Resolves a PATCH path against the schema. Unlike keys of a resource body, an explicit path must name something
 * writable: an unknown core attribute is invalidPath and a readOnly one (`id`, `meta`, `groups`) mutability
 * (RFC 7644 §3.5.2). Unknown attributes of extensions are accepted as custom attributes.
 */
export function resolvePatchTarget(text: string | undefined, schema: ResourceSchema, lenient: boolean): PatchTarget {
  if (text === undefined) return { kind: 'resource' };
  const { attribute, filter, sub } = parsePatchPath(text, { urns: schema.urns, lenient });
  if (attribute.urn !== undefined && attribute.name === '') {
    return schema.isCore(attribute.urn) ? { kind: 'resource' } : { kind: 'extension', urn: attribute.urn };
  }
  const resolution = resolveTarget(sub === undefined ? attribute : { ...attribute, sub }, schema);
  switch (resolution.kind) {
    case 'unknown':
      throw badRequest('invalidPath', `"${clip(text)}" is not an attribute of a ${schema.type}.`);
    case 'readOnly':
      throw badRequest('mutability', `Attribute "${resolution.label}" is readOnly.`);
    case 'writeOnly':
      return { kind: 'discard' };
    case 'members':
      if (resolution.sub !== undefined) {
        throw badRequest('invalidPath', 'Members are added and removed whole; their sub-attributes cannot be patched.');
      }
      return { kind: 'members', definition: resolution.definition, filter };
    case 'attribute': {
      const { target } = resolution;
      if (filter && (!target.definition.multiValued || target.custom)) {
        const what = target.custom ? 'custom extension attributes' : `the single-valued "${target.label}"`;
        throw badRequest('invalidPath', `A value filter cannot select values of ${what}.`);
      }
      return { kind: 'attribute', target, filter };
    }
  }
}

function clip(text: string): string {
  return text.length <= 100 ? text : `${text.slice(0, 100)}…`;
}
