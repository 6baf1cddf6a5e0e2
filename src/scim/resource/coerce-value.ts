import { badRequest } from '../messages/error.ts';
import type { AttributeDefinition } from '../schema/attribute.ts';
import { isJsonObject, type JsonObject } from './json.ts';
import { settlePrimary } from './primary.ts';
import { findSubAttribute } from './sub-attribute.ts';

/**
 * Converts a client-sent value of `definition` to its stored form, or undefined when it carries no value (null, an
 * empty list, a complex value without sub-attributes: RFC 7643 §2.5 treats them all as unassigned). A value of the
 * wrong type throws 400 invalidValue naming `label`.
 *
 * A single value where a list is expected becomes a one-element list, entirely empty elements are dropped, and at
 * most one element stays primary (see settlePrimary).
 */
export function coerceValue(value: unknown, definition: AttributeDefinition, label: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (definition.multiValued) {
    const items = Array.isArray(value) ? value : [value];
    const elements = items.map((item) => coerceElement(entraElement(item, definition), definition, label)).filter((e) => e !== undefined);
    settlePrimary(elements);
    return elements.length > 0 ? elements : undefined;
  }
  return coerceElement(definition.type === 'complex' ? unwrapComplex(value, definition) : value, definition, label);
}

/** Converts one value of `definition`: the whole value of a single-valued attribute, one element of a multi-valued one. */
export function coerceElement(value: unknown, definition: AttributeDefinition, label: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (definition.type) {
    case 'boolean':
      return coerceBoolean(value, label);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw wrongType(label, 'an integer');
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw wrongType(label, 'a number');
    case 'complex':
      return coerceComplex(value, definition, label);
    case 'dateTime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
      throw wrongType(label, 'a dateTime string');
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value === 'string') return value;
      throw wrongType(label, 'a string');
  }
}

/** Entra's legacy dialect sends booleans as the strings "True" and "False". */
function coerceBoolean(value: unknown, label: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw wrongType(label, 'a boolean');
}

/**
 * Entra sends the enterprise `manager` as a bare id (`"manager": "123456"`) and, in PATCH, as a one-element array.
 * RFC 7643 §2.4 makes `value` the sub-attribute that carries a complex attribute's value, so a bare string becomes
 * `{ value }` and a one-element array its element, for any single-valued complex attribute that has a `value`.
 */
function unwrapComplex(value: unknown, definition: AttributeDefinition): unknown {
  if (Array.isArray(value) && value.length <= 1) return value[0];
  if (typeof value === 'string' && findSubAttribute(definition, 'value')) return { value };
  return value;
}

/**
 * Entra's app-role elements, read as the RFC elements they stand for. Its legacy PATCH dialect serialises each role
 * into `value` (`{"value":"{\"id\":\"…\",\"value\":\"25\",\"displayName\":\"Role1234\"}"}`) where its POST
 * sends the role itself, and it names the RFC's `display` `displayName`.
 */
function entraElement(item: unknown, definition: AttributeDefinition): unknown {
  if (!isJsonObject(item) || definition.type !== 'complex' || !findSubAttribute(definition, 'display')) return item;
  let element: JsonObject = item;
  if (typeof item.value === 'string' && item.value.startsWith('{')) {
    const inner = parseObject(item.value);
    if (inner && 'value' in inner) element = { ...inner, ...withoutKey(item, 'value'), value: inner.value };
  }
  if (element.display === undefined && element.displayName !== undefined) element = { ...withoutKey(element, 'displayName'), display: element.displayName };
  return element;
}

function parseObject(text: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function withoutKey(object: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = object;
  return rest;
}

/**
 * Keeps the declared, client-writable sub-attributes under their canonical names. Unknown sub-attributes are
 * dropped, not rejected: IdPs add their own (Entra's roles carry `displayName`), and nothing could filter on them.
 * readOnly ones (`manager.displayName`) are the server's to compute (RFC 7643 §2.2: ignored in requests).
 */
function coerceComplex(value: unknown, definition: AttributeDefinition, label: string): JsonObject | undefined {
  if (!isJsonObject(value)) throw wrongType(label, 'a complex value (a JSON object)');
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const sub = findSubAttribute(definition, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    const coerced = coerceValue(item, sub, `${label}.${sub.name}`);
    if (coerced !== undefined) out[sub.name] = coerced;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function wrongType(label: string, expected: string) {
  return badRequest('invalidValue', `Attribute "${label}" must be ${expected}.`);
}
