import { badRequest } from '../messages/error.ts';
import { parseAttributePath, type AttributePath } from '../path/attribute-path.ts';
import type { ResourceSchema } from '../schema/resource-schema.ts';
import { isJsonObject, type JsonObject } from './json.ts';

/** `urn:<namespace>:<specific string>` (RFC 8141), the shape of every schema URN. */
const URN = /^urn:[^:\s]+:\S+$/i;

/** One attribute value a resource body (or a path-less PATCH value) sets, with the path its key names. */
export interface BodyEntry {
  path: AttributePath;
  value: unknown;
}

/**
 * Flattens a resource body into attribute entries. A key is an attribute path: `userName`, Entra's dotted
 * `name.givenName`, or URN-qualified `urn:…:enterprise:2.0:User:employeeNumber` (split by the known URNs, never at
 * a dot inside one). A key that is a bare schema URN holds an extension object; so does any other `urn:…` key whose
 * value is an object, because IdPs invent extension URNs (`urn:…:CustomExtensionName:2.0:User`) that no schema lists
 * — and Entra leaves them out of `schemas`, so `schemas` is not consulted. Other `urn:…` keys are flat custom
 * attributes (`urn:…:CustomExtensionName:folders`). Keys that are no attribute path at all are skipped.
 */
export function bodyEntries(body: JsonObject, schema: ResourceSchema): BodyEntry[] {
  const entries: BodyEntry[] = [];
  for (const [key, value] of Object.entries(body)) {
    const path = parseAttributePath(key, schema.urns);
    if (path?.urn !== undefined && schema.urns.includes(path.urn)) {
      entries.push(...(path.name === '' ? extensionEntries(path.urn, value) : [{ path, value }]));
    } else if (URN.test(key) && isJsonObject(value)) {
      entries.push(...extensionEntries(key, value));
    } else if (path) {
      entries.push({ path, value });
    }
  }
  return entries;
}

function extensionEntries(urn: string, value: unknown): BodyEntry[] {
  if (value === null) return [];
  if (!isJsonObject(value)) throw badRequest('invalidValue', `The extension "${urn}" must be a JSON object.`);
  const entries: BodyEntry[] = [];
  for (const [key, item] of Object.entries(value)) {
    const path = parseAttributePath(key, []);
    if (path && path.urn === undefined) entries.push({ path: { urn, ...path }, value: item });
  }
  return entries;
}
