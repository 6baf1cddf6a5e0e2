import type { AttributeType } from '../schema/attribute.ts';
import {
  ResourceSchema,
  type ExtensionAttribute,
  type ResolvedAttribute,
  type ResourceTypeName,
} from '../schema/resource-schema.ts';
import { readAttribute, storedSlot, type AttributeSlot, type ScimDocument } from './document.ts';
import { isJsonObject } from './json.ts';

const builtInSchemas = new Map<ResourceTypeName, ResourceSchema>();

/**
 * True for an attribute of a custom extension (one the IdP invented), registered or seen for the first time. Such
 * values are stored as sent: their recorded type is only a guess from the first value, and a complex one records no
 * sub-attributes, so validating against it would reject or strip data the IdP considers valid.
 */
export function isCustomAttribute(schema: ResourceSchema, resolved: ResolvedAttribute): boolean {
  if (resolved.inferred) return true;
  if (resolved.urn === undefined) return false;
  let builtIn = builtInSchemas.get(schema.type);
  if (!builtIn) {
    builtIn = ResourceSchema.for(schema.type);
    builtInSchemas.set(schema.type, builtIn);
  }
  return builtIn.extension(resolved.urn) === undefined;
}

/** A custom attribute's stored form: the value as sent (copied, so the document never aliases the request). */
export function customValue(value: unknown): unknown {
  return value === null || value === undefined ? undefined : structuredClone(value);
}

/**
 * The attributes, among `slots` written by a request, that the schema did not declare and that still hold a value:
 * one entry each, named with the casing stored in the document, typed from the stored value.
 */
export function newExtensionAttributes(
  doc: ScimDocument,
  resourceType: ResourceTypeName,
  slots: readonly AttributeSlot[],
): ExtensionAttribute[] {
  const found = new Map<string, ExtensionAttribute>();
  for (const slot of slots) {
    const stored = storedSlot(doc, slot);
    if (stored?.urn === undefined) continue;
    const key = `${stored.urn}:${stored.name}`.toLowerCase();
    if (found.has(key)) continue;
    const value = readAttribute(doc, stored);
    found.set(key, { resourceType, urn: stored.urn, name: stored.name, ...typeOf(value) });
  }
  return [...found.values()];
}

/** An array is multi-valued (Entra's Split() sends string arrays); its elements decide the type. */
function typeOf(value: unknown): { type: AttributeType; multiValued: boolean } {
  if (!Array.isArray(value)) return { type: scalarType(value), multiValued: false };
  const types = new Set(value.filter((item) => item !== null).map(scalarType));
  if (types.size === 1) return { type: [...types][0]!, multiValued: true };
  if (types.size === 2 && types.has('integer') && types.has('decimal')) return { type: 'decimal', multiValued: true };
  // Empty or mixed lists: a string list is the most permissive type that /Schemas can advertise.
  return { type: 'string', multiValued: true };
}

function scalarType(value: unknown): AttributeType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  if (isJsonObject(value)) return 'complex';
  return 'string';
}
