import { formatAttributePath } from '../../src/scim/path/attribute-path.ts';
import type { Filter, FilterValue } from '../../src/scim/filter/ast.ts';

/** Binding strength, loosest first: parentheses are needed only where the AST binds looser than the grammar would. */
const OR = 1;
const AND = 2;

/**
 * Prints a filter in canonical form (lower-case operators, JSON literals, minimal parentheses) for the
 * round-trip property test. `parseFilter(formatFilter(f))` gives back `f` for every filter the parser can produce.
 */
export function formatFilter(filter: Filter): string {
  return format(filter, OR);
}

function format(filter: Filter, context: number): string {
  switch (filter.kind) {
    case 'compare':
      return `${formatAttributePath(filter.path)} ${filter.op} ${formatValue(filter.value)}`;
    case 'present':
      return `${formatAttributePath(filter.path)} pr`;
    case 'not':
      return `not (${format(filter.filter, OR)})`;
    case 'valuePath':
      return `${formatAttributePath(filter.path)}[${format(filter.filter, OR)}]`;
    case 'and':
    case 'or': {
      // Both associate to the left, so a right operand of the same strength needs parentheses.
      const strength = filter.kind === 'or' ? OR : AND;
      const text = `${format(filter.left, strength)} ${filter.kind} ${format(filter.right, strength + 1)}`;
      return strength < context ? `(${text})` : text;
    }
  }
}

function formatValue(value: FilterValue): string {
  // JSON.stringify would print -0 as 0 and non-finite numbers as null.
  return typeof value === 'number' ? (Object.is(value, -0) ? '-0' : String(value)) : JSON.stringify(value);
}
