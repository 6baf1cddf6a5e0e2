import type { Filter } from '../filter/ast.ts';
import { evaluateFilter } from '../filter/evaluate.ts';
import { coerceElement } from '../resource/coerce-value.ts';
import type { JsonObject } from '../resource/json.ts';
import { findSubAttribute } from '../resource/sub-attribute.ts';
import type { AttributeDefinition } from '../schema/attribute.ts';

/** Indices of the elements a value filter selects; all of them when there is no filter (a path like `emails.type`). */
export function selectElements(
  elements: readonly unknown[],
  filter: Filter | undefined,
  definition: AttributeDefinition,
): number[] {
  const subAttributes = definition.subAttributes ?? [];
  const selected: number[] = [];
  elements.forEach((element, i) => {
    if (!filter || evaluateFilter(filter, element, subAttributes)) selected.push(i);
  });
  return selected;
}

/**
 * The element an add or replace creates when its value filter selects none: the `eq` tests of a filter made only
 * of `and`-ed `eq`s, typed per sub-attribute (`roles[primary eq "True"]` gives `{ primary: true }`). Entra relies on
 * it: `emails[type eq "work"].value` on a user without a work email must create one. Undefined when the filter
 * describes no single element (`or`, `co`, `eq null`…), where RFC 7644 §3.5.2.3 answers noTarget. No filter at all
 * describes any element, so it gives `{}`.
 */
export function elementTemplate(
  filter: Filter | undefined,
  definition: AttributeDefinition,
  label: string,
): JsonObject | undefined {
  if (!filter) return {};
  if (filter.kind === 'and') {
    const left = elementTemplate(filter.left, definition, label);
    const right = left && elementTemplate(filter.right, definition, label);
    return left && right && { ...left, ...right };
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) return undefined;
  const sub = findSubAttribute(definition, filter.path.name);
  if (!sub) return undefined;
  // Lenient parsing reads an unquoted `12345` as a number; for a string sub-attribute it means its text.
  const numeric = sub.type === 'integer' || sub.type === 'decimal';
  const value = typeof filter.value === 'number' && !numeric ? String(filter.value) : filter.value;
  return { [sub.name]: coerceElement(value, sub, `${label}.${sub.name}`) };
}
