import { parseAttributePath, type AttributePath } from '../path/attribute-path.ts';
import type { AttributeDefinition, Returned } from '../schema/attribute.ts';
import type { ResourceSchema } from '../schema/resource-schema.ts';
import { isJsonObject, type JsonObject } from './json.ts';

/**
 * Parses an `attributes` or `excludedAttributes` parameter (RFC 7644 §3.4.2.5): comma-separated attribute paths,
 * URN-qualified or not, matched ignoring case and returned canonical. A bare extension URN stands for the whole
 * extension object. Names that resolve to nothing are ignored: failing a read over an attribute this server does not
 * have helps no client.
 */
export function parseAttributeList(text: string | undefined, schema: ResourceSchema): AttributePath[] {
  const paths: AttributePath[] = [];
  for (const item of text?.split(',') ?? []) {
    const path = parseAttributePath(item.trim(), schema.urns);
    if (!path) continue;
    if (path.urn !== undefined && path.name === '') {
      if (!schema.isCore(path.urn)) paths.push({ urn: path.urn, name: '' });
      continue;
    }
    const resolved = schema.resolve(path);
    if (!resolved) continue;
    paths.push({
      ...(resolved.urn !== undefined && { urn: resolved.urn }),
      name: resolved.definition.name,
      ...(resolved.sub && { sub: resolved.sub.name }),
    });
  }
  return paths;
}

/**
 * Applies `attributes` / `excludedAttributes` to an output resource (with `schemas`, `id`, `meta` and extension
 * objects). `schemas` and `returned: always` attributes (`id`) are always kept, `returned: never` ones never, and
 * `returned: request` ones only when listed. When both lists are given, `attributes` wins.
 */
export function projectResource(
  resource: Record<string, unknown>,
  schema: ResourceSchema,
  attributes: readonly AttributePath[],
  excluded: readonly AttributePath[],
): Record<string, unknown> {
  const byReturned = (returned: Returned) => returnedPaths(schema, returned);
  let projected: unknown = resource;
  let dropped = byReturned('never');
  if (attributes.length > 0) {
    const always = [{ name: 'schemas' }, ...byReturned('always').filter((p) => p.sub === undefined)];
    projected = pick(resource, selectionOf([...attributes, ...always], schema));
  } else {
    const removable = excluded.filter((p) => p.sub !== undefined || !isAlways(p, schema));
    dropped = [...dropped, ...byReturned('request'), ...removable];
  }
  return (drop(projected, selectionOf(dropped, schema)) as JsonObject | undefined) ?? {};
}

/** How `attributes` / `excludedAttributes` shape the values of one multi-valued attribute, a part at a time. */
export interface ValuesProjection {
  /** The projected values of a part, in order; a value left with nothing is dropped. */
  values(part: readonly unknown[]): unknown[];
  /** Whether the attribute is still returned (`[]`) when no value is left, or left out. */
  keptWhenEmpty: boolean;
}

/**
 * The projection projectResource applies to a multi-valued attribute, for values that arrive in parts (a group's
 * members, read and written a chunk at a time): the parts' projected values, joined, are what projectResource gives
 * for the whole array, which it projects value by value. `name` is a core attribute.
 */
export function projectValues(
  name: string,
  schema: ResourceSchema,
  attributes: readonly AttributePath[],
  excluded: readonly AttributePath[],
): ValuesProjection {
  const project = (values: readonly unknown[]) => projectResource({ [name]: values }, schema, attributes, excluded)[name] as unknown[] | undefined;
  return { values: (part) => project(part) ?? [], keptWhenEmpty: project([]) !== undefined };
}

/**
 * Whether a response needs Group `members` or User `groups`, so the caller can skip loading them — a group's
 * members can be the bulk of the work, and Entra reads groups with `excludedAttributes=members`.
 */
export function wantsAttribute(
  name: 'members' | 'groups',
  schema: ResourceSchema,
  attributes: readonly AttributePath[],
  excluded: readonly AttributePath[],
): boolean {
  const definition = schema.resolve({ name })?.definition;
  if (!definition || definition.returned === 'never') return false;
  const names = (p: AttributePath) => (p.urn === undefined || schema.isCore(p.urn)) && p.name.toLowerCase() === name;
  if (attributes.length > 0) return definition.returned === 'always' || attributes.some(names);
  return definition.returned !== 'request' && !excluded.some((p) => names(p) && p.sub === undefined);
}

function isAlways(path: AttributePath, schema: ResourceSchema): boolean {
  return path.name.toLowerCase() === 'schemas' || schema.resolve(path)?.definition.returned === 'always';
}

/** Paths of every attribute and sub-attribute, core or extension, whose `returned` is `returned`. */
function returnedPaths(schema: ResourceSchema, returned: Returned): AttributePath[] {
  const paths: AttributePath[] = [];
  const collect = (urn: string | undefined, definitions: readonly AttributeDefinition[]) => {
    for (const definition of definitions) {
      const base = { ...(urn !== undefined && { urn }), name: definition.name };
      if (definition.returned === returned) paths.push(base);
      for (const sub of definition.subAttributes ?? []) {
        if (sub.returned === returned) paths.push({ ...base, sub: sub.name });
      }
    }
  };
  collect(undefined, schema.topLevel);
  for (const extension of schema.extensions) collect(extension.id, extension.attributes);
  return paths;
}

/** A tree of lower-cased keys (extension URN, attribute, sub-attribute); `all` selects everything below a node. */
interface Selection {
  all: boolean;
  children: Map<string, Selection>;
}

function selectionOf(paths: readonly AttributePath[], schema: ResourceSchema): Selection {
  const root: Selection = { all: false, children: new Map() };
  for (const path of paths) {
    const urn = path.urn !== undefined && !schema.isCore(path.urn) ? [path.urn] : [];
    let node = root;
    for (const key of [...urn, path.name, path.sub ?? ''].filter((k) => k !== '')) {
      const lower = key.toLowerCase();
      let child = node.children.get(lower);
      if (!child) node.children.set(lower, (child = { all: false, children: new Map() }));
      node = child;
    }
    if (node !== root) node.all = true;
  }
  return root;
}

/** Keeps only what `selection` names; a multi-valued attribute keeps the named sub-attributes of each element. */
function pick(value: unknown, selection: Selection): unknown {
  if (selection.all) return value;
  if (Array.isArray(value)) return nonEmpty(value.map((item) => pick(item, selection)).filter(isDefined));
  if (!isJsonObject(value)) return undefined;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const child = selection.children.get(key.toLowerCase());
    const kept = child && pick(item, child);
    if (kept !== undefined) out[key] = kept;
  }
  return nonEmpty(out);
}

/** Removes what `selection` names; what is left empty goes too. */
function drop(value: unknown, selection: Selection): unknown {
  if (selection.all) return undefined;
  if (selection.children.size === 0) return value;
  if (Array.isArray(value)) return nonEmpty(value.map((item) => drop(item, selection)).filter(isDefined));
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const child = selection.children.get(key.toLowerCase());
    const kept = child ? drop(item, child) : item;
    if (kept !== undefined) out[key] = kept;
  }
  return nonEmpty(out);
}

const isDefined = (value: unknown): boolean => value !== undefined;

function nonEmpty<T extends unknown[] | JsonObject>(value: T): T | undefined {
  return (Array.isArray(value) ? value.length : Object.keys(value).length) > 0 ? value : undefined;
}
