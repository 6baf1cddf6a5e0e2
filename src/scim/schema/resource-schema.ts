import { attribute, type AttributeDefinition, type AttributeType, type SchemaDefinition } from './attribute.ts';
import { commonAttributes } from './common.ts';
import { coreGroupSchema } from './core-group.ts';
import { coreUserSchema } from './core-user.ts';
import { enterpriseUserSchema } from './enterprise-user.ts';
import type { AttributePath } from '../path/attribute-path.ts';

export type ResourceTypeName = 'User' | 'Group';

/**
 * An attribute of a custom extension that a directory has received (Entra invents extension URNs freely:
 * `urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders`). Roster records each one the first
 * time it arrives, so it can be listed in `/Schemas`, filtered and patched with its canonical casing.
 */
export interface ExtensionAttribute {
  resourceType: ResourceTypeName;
  urn: string;
  name: string;
  type: AttributeType;
  multiValued: boolean;
}

/** A path resolved to canonical names and definitions. */
export interface ResolvedAttribute {
  /** Extension URN holding the attribute, or undefined for core and common attributes (stored top-level). */
  urn: string | undefined;
  definition: AttributeDefinition;
  sub?: AttributeDefinition;
  /** True when the URN or attribute was not declared: a custom extension attribute seen for the first time. */
  inferred: boolean;
}

const inferredDefinition = (name: string): AttributeDefinition => attribute(name, 'string');

function findByName<T extends { name: string }>(list: readonly T[] | undefined, name: string): T | undefined {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
}

/**
 * The schemas of one resource type in one directory: the core schema, the common attributes, the built-in
 * extensions and the directory's custom extensions. Every name lookup is case-insensitive (RFC 7643 §2.1).
 */
export class ResourceSchema {
  readonly extensions: SchemaDefinition[];
  readonly urns: string[];
  private readonly coreAttributes: AttributeDefinition[];

  constructor(
    readonly type: ResourceTypeName,
    readonly core: SchemaDefinition,
    extensions: SchemaDefinition[],
  ) {
    this.extensions = extensions;
    this.coreAttributes = [...commonAttributes, ...core.attributes];
    this.urns = [core.id, ...extensions.map((e) => e.id)];
  }

  static for(type: ResourceTypeName, custom: readonly ExtensionAttribute[] = []): ResourceSchema {
    const core = type === 'User' ? coreUserSchema : coreGroupSchema;
    const extensions = type === 'User' ? [enterpriseUserSchema] : [];
    const byUrn = new Map<string, SchemaDefinition>();
    for (const ext of custom) {
      if (ext.resourceType !== type) continue;
      const known = extensions.find((e) => e.id.toLowerCase() === ext.urn.toLowerCase());
      if (known) continue;
      let schema = byUrn.get(ext.urn.toLowerCase());
      if (!schema) {
        schema = { id: ext.urn, name: ext.urn.slice(ext.urn.lastIndexOf(':') + 1), description: 'Custom extension', attributes: [] };
        byUrn.set(ext.urn.toLowerCase(), schema);
      }
      schema.attributes.push(attribute(ext.name, ext.type, { multiValued: ext.multiValued }));
    }
    return new ResourceSchema(type, core, [...extensions, ...byUrn.values()]);
  }

  /** The extension schema with this URN (case-insensitive), if the directory knows it. */
  extension(urn: string): SchemaDefinition | undefined {
    const lower = urn.toLowerCase();
    return this.extensions.find((e) => e.id.toLowerCase() === lower);
  }

  /** True for the core schema URN of this resource type. */
  isCore(urn: string): boolean {
    return urn.toLowerCase() === this.core.id.toLowerCase();
  }

  /** The attribute definitions stored at the top level of a document (common + core). */
  get topLevel(): readonly AttributeDefinition[] {
    return this.coreAttributes;
  }

  /**
   * Resolves a path to canonical definitions. Returns undefined for an unknown core attribute or sub-attribute
   * (the caller turns that into invalidPath / invalidFilter). An unknown attribute under any extension URN resolves
   * to an inferred string definition, because IdPs send custom extension attributes nobody declared.
   */
  resolve(path: AttributePath): ResolvedAttribute | undefined {
    if (!path.name) return undefined;
    let urn: string | undefined;
    let definition: AttributeDefinition | undefined;
    let inferred = false;
    if (!path.urn || this.isCore(path.urn)) {
      definition = findByName(this.coreAttributes, path.name);
      if (!definition) {
        if (path.urn) return undefined;
        // RFC 7644 §3.10 wants extension attributes URN-qualified, but Entra filters and patches `manager` and puts
        // `department` at the top level: a name the core lacks and exactly one extension declares is that one's.
        const owners = this.extensions.filter((e) => findByName(e.attributes, path.name));
        if (owners.length !== 1) return undefined;
        urn = owners[0]!.id;
        definition = findByName(owners[0]!.attributes, path.name)!;
      }
    } else {
      const ext = this.extension(path.urn);
      urn = ext?.id ?? path.urn;
      definition = findByName(ext?.attributes, path.name);
      if (!definition) {
        definition = inferredDefinition(path.name);
        inferred = true;
      }
    }
    if (path.sub === undefined) return { urn, definition, inferred };
    if (definition.type !== 'complex') {
      if (!inferred) return undefined;
      // A custom attribute first seen as a sub-attribute path: treat the parent as complex.
      definition = attribute(definition.name, 'complex', { subAttributes: [] });
    }
    const sub = findByName(definition.subAttributes, path.sub) ?? (inferred ? inferredDefinition(path.sub) : undefined);
    if (!sub) return undefined;
    return { urn, definition, sub, inferred };
  }
}
