import type { AttributePath } from '../path/attribute-path.ts';
import type { AttributeDefinition } from '../schema/attribute.ts';
import type { CompareOperator, Filter, FilterValue } from './ast.ts';

type Comparison = Pick<AttributeDefinition, 'type' | 'caseExact'>;

/** An undeclared sub-attribute (a custom extension's, or a client's typo) compares as a case-insensitive string. */
const UNDECLARED: Comparison = { type: 'string', caseExact: false };

/**
 * Evaluates a value filter against one element of a multi-valued attribute in memory, for PATCH paths such as
 * `emails[type eq "work"]`, `members[value eq "x"]` and `roles[primary eq "True"]`. `attributes` are the element's
 * sub-attribute definitions. An element that is a primitive (a multi-valued string list) is its own `value`.
 */
export function evaluateFilter(filter: Filter, element: unknown, attributes: readonly AttributeDefinition[]): boolean {
  switch (filter.kind) {
    case 'and':
      return evaluateFilter(filter.left, element, attributes) && evaluateFilter(filter.right, element, attributes);
    case 'or':
      return evaluateFilter(filter.left, element, attributes) || evaluateFilter(filter.right, element, attributes);
    case 'not':
      return !evaluateFilter(filter.filter, element, attributes);
    case 'present':
      return isPresent(read(element, filter.path));
    case 'compare':
      return compare(filter.op, read(element, filter.path), filter.value, comparisonOf(filter.path.name, attributes));
    case 'valuePath':
      // Sub-attributes are never multi-valued complex (RFC 7643 §2.3.8), so an element holds nothing to filter.
      return false;
  }
}

function comparisonOf(name: string, attributes: readonly AttributeDefinition[]): Comparison {
  const lower = name.toLowerCase();
  return attributes.find((a) => a.name.toLowerCase() === lower) ?? UNDECLARED;
}

/** The element's sub-attribute named by `path`, matched case-insensitively (RFC 7643 §2.1). */
function read(element: unknown, path: AttributePath): unknown {
  // Inside an element, paths are plain sub-attribute names; a URN or a further sub-attribute names nothing.
  if (path.urn !== undefined || path.sub !== undefined) return undefined;
  if (typeof element !== 'object' || element === null) {
    return path.name.toLowerCase() === 'value' ? element : undefined;
  }
  const record = element as Record<string, unknown>;
  if (Object.hasOwn(record, path.name)) return record[path.name];
  const lower = path.name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) return record[key];
  }
  return undefined;
}

/** RFC 7643 §2.5: unassigned, null and an empty array are the same state; an empty string carries no value either. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function compare(op: CompareOperator, actual: unknown, expected: FilterValue, comparison: Comparison): boolean {
  // `null` stands for "unassigned" (RFC 7643 §2.5), so `eq null` is how a filter asks for an absent value.
  if (expected === null) return op === 'eq' ? !isPresent(actual) : op === 'ne' && isPresent(actual);
  // A multi-valued sub-attribute matches when any of its values does (RFC 7644 §3.4.2.2).
  if (Array.isArray(actual)) return actual.some((item) => compareOne(op, item, expected, comparison));
  return compareOne(op, actual, expected, comparison);
}

function compareOne(
  op: CompareOperator,
  actual: unknown,
  expected: Exclude<FilterValue, null>,
  comparison: Comparison,
): boolean {
  if (actual === undefined || actual === null) return false;
  if (comparison.type === 'boolean' || typeof actual === 'boolean') {
    // Entra filters `roles[primary eq "True"]` and sends "False" for booleans: either side may be a string.
    const a = asBoolean(actual);
    const e = asBoolean(expected);
    if (a === undefined || e === undefined) return false;
    return op === 'eq' ? a === e : op === 'ne' && a !== e;
  }
  if (typeof actual === 'number') return typeof expected === 'number' && order(op, actual - expected);
  if (typeof actual !== 'string') return false;
  // Lenient parsing reads an unquoted id such as `12345` as a number; against a string it means its text.
  const text = typeof expected === 'number' ? String(expected) : expected;
  if (typeof text !== 'string') return false;
  if (comparison.type === 'dateTime' && op !== 'co' && op !== 'sw' && op !== 'ew') {
    const difference = Date.parse(actual) - Date.parse(text);
    return !Number.isNaN(difference) && order(op, difference);
  }
  const a = comparison.caseExact ? actual : actual.toLowerCase();
  const e = comparison.caseExact ? text : text.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return order(op, a < e ? -1 : a > e ? 1 : 0);
  }
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** Applies an ordering operator to the sign of `difference`; the substring operators never match non-strings. */
function order(op: CompareOperator, difference: number): boolean {
  switch (op) {
    case 'eq':
      return difference === 0;
    case 'ne':
      return difference !== 0;
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
    default:
      return false;
  }
}
