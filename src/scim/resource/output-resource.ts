import type { ResourceSchema } from '../schema/resource-schema.ts';
import type { ScimDocument } from './document.ts';

/** What the server adds to a stored document to make the SCIM resource a client reads. */
export interface ResourceOutput {
  id: string;
  doc: ScimDocument;
  version: number;
  created: string;
  lastModified: string;
  /** `{base}/Users/{id}` or `{base}/Groups/{id}`. */
  location: string;
  /** User `groups`, when loaded. */
  groups?: Array<{ value: string; display: string }>;
}

/** A weak ETag from the version counter (RFC 7644 §3.14): it changes with every write that changes the resource. */
export const etagOf = (version: number): string => `W/"${version}"`;

/**
 * Builds the SCIM JSON of a resource. `schemas` lists the core schema and every extension the document holds,
 * including custom URNs the client never listed itself. A group's members are not here: they are read and written
 * a chunk at a time (outputMember, withMembers).
 */
export function outputResource(schema: ResourceSchema, resource: ResourceOutput, baseUrl: string): Record<string, unknown> {
  const schemas = [schema.core.id, ...Object.keys(resource.doc).filter((key) => /^urn:/i.test(key))];
  const out: Record<string, unknown> = { schemas, id: resource.id, ...resource.doc };
  if (resource.groups) {
    out.groups = resource.groups.map((g) => ({ ...g, $ref: `${baseUrl}/Groups/${g.value}`, type: 'direct' }));
  }
  out.meta = {
    resourceType: schema.type,
    created: resource.created,
    lastModified: resource.lastModified,
    location: resource.location,
    version: etagOf(resource.version),
  };
  return out;
}

/** One of a group's members as the group returns it. */
export function outputMember(member: { value: string; type: string; display?: string }, baseUrl: string): Record<string, unknown> {
  return { ...member, $ref: `${baseUrl}/${member.type === 'Group' ? 'Groups' : 'Users'}/${member.value}` };
}

/** `resource` (built by outputResource, maybe projected) with `members` in their place: after the document's attributes, before `meta`. */
export function withMembers(resource: Record<string, unknown>, members: unknown): Record<string, unknown> {
  const { meta, ...attributes } = resource;
  return meta === undefined ? { ...attributes, members } : { ...attributes, members, meta };
}
