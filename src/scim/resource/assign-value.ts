import type { AttributeDefinition } from '../schema/attribute.ts';
import type { AttributeTarget } from './attribute-target.ts';
import { coerceValue } from './coerce-value.ts';
import { customValue } from './custom-attribute.ts';
import { readAttribute, writeAttribute, type ScimDocument } from './document.ts';
import { findKey, isJsonObject } from './json.ts';

/** The stored form of `value` for `target`'s attribute (or for `definition`, one of its sub-attributes). */
export function storedValue(
  target: AttributeTarget,
  value: unknown,
  definition: AttributeDefinition = target.definition,
): unknown {
  return target.custom ? customValue(value) : coerceValue(value, definition, target.label);
}

/**
 * Sets `target` to `value`: the whole attribute, or — for a path such as `name.givenName` — one sub-attribute of a
 * single-valued complex attribute, leaving the others. A value that is null (or empty) removes what it targets.
 */
export function assignValue(doc: ScimDocument, target: AttributeTarget, value: unknown): void {
  if (!target.sub) {
    writeAttribute(doc, target, storedValue(target, value));
    return;
  }
  const parent = readAttribute(doc, target);
  const stored = storedValue(target, value, target.sub);
  // Only a custom attribute can hold a non-object here; removing a sub-attribute from it removes nothing.
  if (!isJsonObject(parent) && stored === undefined) return;
  const object = isJsonObject(parent) ? { ...parent } : {};
  const key = findKey(object, target.sub.name) ?? target.sub.name;
  if (stored === undefined) delete object[key];
  else object[key] = stored;
  writeAttribute(doc, target, Object.keys(object).length > 0 ? object : undefined);
}
