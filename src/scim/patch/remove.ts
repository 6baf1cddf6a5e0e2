import type { Filter } from '../filter/ast.ts';
import { assignValue, storedValue } from '../resource/assign-value.ts';
import type { AttributeTarget } from '../resource/attribute-target.ts';
import { readAttribute, writeAttribute, type ScimDocument } from '../resource/document.ts';
import { findKey, isJsonObject, jsonEqual } from '../resource/json.ts';
import { selectElements } from './value-path.ts';

/**
 * RFC 7644 §3.5.2.2 remove, also used for a replace with null. Removing what is not there is a no-op, as is a
 * filter that selects nothing. `value` is not in the RFC's remove, but Entra's legacy dialect sends the values to
 * remove (`{"op":"Remove","path":"roles","value":[{"value":"Admin"}]}`): then only those go, never the whole list.
 */
export function removeValue(doc: ScimDocument, target: AttributeTarget, filter: Filter | undefined, value: unknown): void {
  const current = readAttribute(doc, target);
  if (current === undefined) return;
  if (!Array.isArray(current)) {
    assignValue(doc, target, null);
    return;
  }
  let kept: unknown[];
  if (!filter && !target.sub) {
    if (value === undefined || value === null) {
      writeAttribute(doc, target, undefined);
      return;
    }
    const stored = storedValue(target, value);
    const listed = Array.isArray(stored) ? stored : [stored];
    kept = current.filter((element) => !listed.some((item) => isListed(element, item)));
  } else {
    const selected = new Set(selectElements(current, filter, target.definition));
    const sub = target.sub;
    kept = sub
      ? current.map((element, i) => (selected.has(i) && isJsonObject(element) ? without(element, sub.name) : element))
      : current.filter((_, i) => !selected.has(i));
  }
  kept = kept.filter((element) => !isJsonObject(element) || Object.keys(element).length > 0);
  writeAttribute(doc, target, kept.length > 0 ? kept : undefined);
}

/** A listed object names an element by the sub-attributes it gives (`{ value }` suffices); an empty one names none. */
function isListed(element: unknown, item: unknown): boolean {
  if (!isJsonObject(item) || !isJsonObject(element)) return jsonEqual(element, item);
  const keys = Object.keys(item);
  return keys.length > 0 && keys.every((key) => {
    const own = findKey(element, key);
    return own !== undefined && jsonEqual(element[own], item[key]);
  });
}

function without(element: Record<string, unknown>, name: string): Record<string, unknown> {
  const copy = { ...element };
  const key = findKey(copy, name);
  if (key !== undefined) delete copy[key];
  return copy;
}
