import { isExtensionKey, type ScimDocument } from './document.ts';
import { isJsonObject, jsonEqual, type JsonObject } from './json.ts';

/**
 * The attributes whose value differs between two versions of a document: canonical top-level names, and
 * `urn:name` for extension attributes. Empty when a write changed nothing.
 */
export function changedAttributes(before: ScimDocument, after: ScimDocument): string[] {
  const changed: string[] = [];
  for (const key of keysOf(before, after)) {
    if (!isExtensionKey(key)) {
      if (!jsonEqual(own(before, key), own(after, key))) changed.push(key);
      continue;
    }
    const was = objectAt(before, key);
    const is = objectAt(after, key);
    for (const name of keysOf(was, is)) {
      if (!jsonEqual(own(was, name), own(is, name))) changed.push(`${key}:${name}`);
    }
  }
  return changed;
}

function keysOf(a: JsonObject, b: JsonObject): Set<string> {
  return new Set([...Object.keys(a), ...Object.keys(b)]);
}

/** Own properties only: an attribute named `constructor` must not read `Object.prototype.constructor`. */
function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function objectAt(doc: ScimDocument, key: string): JsonObject {
  const value = own(doc, key);
  return isJsonObject(value) ? value : {};
}
