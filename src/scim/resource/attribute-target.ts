import { formatAttributePath, type AttributePath } from '../path/attribute-path.ts';
import { attribute, type AttributeDefinition } from '../schema/attribute.ts';
import type { ResourceSchema } from '../schema/resource-schema.ts';
import { isCustomAttribute } from './custom-attribute.ts';
import type { AttributeSlot } from './document.ts';

/** A client-writable attribute (or one sub-attribute of it) that a request body key or a PATCH path names. */
export interface AttributeTarget extends AttributeSlot {
  definition: AttributeDefinition;
  /** The sub-attribute: of the complex value, or of each selected element of a multi-valued attribute. */
  sub?: AttributeDefinition;
  /** A custom extension attribute: stored as sent (see isCustomAttribute). */
  custom: boolean;
  /** Not declared by the schema: the caller must register it (ResolvedAttribute.inferred). */
  inferred: boolean;
  /** The canonical path, for error messages. */
  label: string;
}

/**
 * What a path names, as far as writing goes. Request bodies skip everything but `attribute` and `members`; PATCH
 * paths turn `unknown` into invalidPath and `readOnly` into mutability.
 */
export type TargetResolution =
  | { kind: 'attribute'; target: AttributeTarget }
  /** Group `members`: rows, never part of the document. */
  | { kind: 'members'; definition: AttributeDefinition; sub?: string }
  /** RFC 7643 §2.2: the server's to set (`id`, `meta`, User `groups`, `manager.displayName`). */
  | { kind: 'readOnly'; label: string }
  /** `password`: accepted and discarded, as Roster keeps no credentials. */
  | { kind: 'writeOnly' }
  | { kind: 'unknown' };

export function resolveTarget(path: AttributePath, schema: ResourceSchema): TargetResolution {
  const resolved = schema.resolve({ urn: path.urn, name: path.name });
  if (!resolved) return { kind: 'unknown' };
  const { definition } = resolved;
  if (schema.type === 'Group' && resolved.urn === undefined && definition.name === 'members') {
    return { kind: 'members', definition, sub: path.sub };
  }
  const custom = isCustomAttribute(schema, resolved);
  let sub: AttributeDefinition | undefined;
  if (path.sub !== undefined) {
    // A custom attribute records no sub-attributes, so any sub-attribute name is taken as sent.
    sub = custom ? attribute(path.sub, 'string') : schema.resolve({ ...path, urn: resolved.urn })?.sub;
    if (!sub) return { kind: 'unknown' };
  }
  const label = formatAttributePath({ urn: resolved.urn, name: definition.name, sub: sub?.name });
  if (definition.mutability === 'readOnly' || sub?.mutability === 'readOnly') return { kind: 'readOnly', label };
  if (definition.mutability === 'writeOnly') return { kind: 'writeOnly' };
  return {
    kind: 'attribute',
    target: { urn: resolved.urn, name: definition.name, definition, sub, custom, inferred: resolved.inferred, label },
  };
}
