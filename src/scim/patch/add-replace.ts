import type { Filter } from '../filter/ast.ts';
import { badRequest } from '../messages/error.ts';
import { assignValue, storedValue } from '../resource/assign-value.ts';
import type { AttributeTarget } from '../resource/attribute-target.ts';
import { coerceElement, coerceValue } from '../resource/coerce-value.ts';
import { readAttribute, writeAttribute, type ScimDocument } from '../resource/document.ts';
import { isJsonObject, jsonEqual, type JsonObject } from '../resource/json.ts';
import { settlePrimary } from '../resource/primary.ts';
import { elementTemplate, selectElements } from './value-path.ts';

/**
 * RFC 7644 §3.5.2.1 add and §3.5.2.3 replace of a non-null value, on a copy of the document the caller owns.
 * They differ only on multi-valued attributes: add appends (skipping elements already present), replace swaps the
 * list. On a single-valued complex attribute both merge the given sub-attributes and leave the others, as both
 * sections say ("sub-attributes that are not specified in the value parameter are left unchanged").
 */
export function addOrReplace(
  doc: ScimDocument,
  op: 'add' | 'replace',
  target: AttributeTarget,
  filter: Filter | undefined,
  value: unknown,
): void {
  const { definition } = target;
  if (target.custom) {
    const current = readAttribute(doc, target);
    if (op === 'add' && !target.sub && Array.isArray(current)) {
      const incoming = storedValue(target, value);
      writeAttribute(doc, target, appendDistinct(current, Array.isArray(incoming) ? incoming : [incoming]));
    } else {
      assignValue(doc, target, value);
    }
  } else if (definition.multiValued) {
    assignElements(doc, op, target, filter, value);
  } else if (definition.type === 'complex' && !target.sub) {
    const incoming = storedValue(target, value);
    const current = readAttribute(doc, target);
    if (isJsonObject(incoming)) writeAttribute(doc, target, { ...(isJsonObject(current) ? current : {}), ...incoming });
  } else {
    assignValue(doc, target, value);
  }
}

/**
 * Multi-valued attributes. Without a filter or sub-attribute the value is a list (or one element). Otherwise the
 * operation applies to the selected elements — each whole, or its sub-attribute — and when none is selected it
 * creates the element the filter describes (see elementTemplate). Elements the request wrote win the primary flag.
 */
function assignElements(
  doc: ScimDocument,
  op: 'add' | 'replace',
  target: AttributeTarget,
  filter: Filter | undefined,
  value: unknown,
): void {
  const { definition, label } = target;
  const current = readAttribute(doc, target);
  const elements = Array.isArray(current) ? [...current] : [];
  let written: unknown[];
  let result: unknown[];
  if (!filter && !target.sub) {
    written = (coerceValue(value, definition, label) as unknown[] | undefined) ?? [];
    result = op === 'add' ? appendDistinct(elements, written) : written;
  } else {
    const selected = selectElements(elements, filter, definition);
    if (selected.length === 0) {
      const template = elementTemplate(filter, definition, label);
      if (!template) throw badRequest('noTarget', `No value of "${label}" matches the filter.`);
      written = [updateElement(template, 'add', target, value)];
      result = [...elements, ...written];
    } else {
      written = selected.map((i) => (elements[i] = updateElement(elements[i], op, target, value)));
      result = elements;
    }
  }
  result = result.filter((element) => !isJsonObject(element) || Object.keys(element).length > 0);
  settlePrimary(result, written);
  writeAttribute(doc, target, result.length > 0 ? result : undefined);
}

/**
 * One selected element: its sub-attribute set, or the element merged with the value (add) or replaced by it
 * (replace: RFC 7644 §3.5.2.3 changes "a user's entire work address" this way).
 */
function updateElement(element: unknown, op: 'add' | 'replace', target: AttributeTarget, value: unknown): JsonObject {
  const base = isJsonObject(element) ? element : {};
  if (target.sub) {
    const copy = { ...base };
    const stored = coerceValue(value, target.sub, target.label);
    if (stored === undefined) delete copy[target.sub.name];
    else copy[target.sub.name] = stored;
    return copy;
  }
  const incoming = (coerceElement(value, target.definition, target.label) as JsonObject | undefined) ?? {};
  return op === 'add' ? { ...base, ...incoming } : incoming;
}

/** `existing` followed by the `incoming` values not already present: adding a value twice keeps one. */
function appendDistinct(existing: readonly unknown[], incoming: readonly unknown[]): unknown[] {
  const result = [...existing];
  for (const item of incoming) if (!result.some((e) => jsonEqual(e, item))) result.push(item);
  return result;
}
