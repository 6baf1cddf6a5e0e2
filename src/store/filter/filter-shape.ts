import type { Filter, FilterValue } from '../../scim/filter/ast.ts';

/** Rebuilds `filter` with each comparison value replaced by `replace(value)`. */
function mapValues(filter: Filter, replace: (value: FilterValue) => FilterValue): Filter {
  switch (filter.kind) {
    case 'compare':
      return { ...filter, value: replace(filter.value) };
    case 'present':
      return filter;
    case 'and':
    case 'or':
      return { ...filter, left: mapValues(filter.left, replace), right: mapValues(filter.right, replace) };
    case 'not':
      return { ...filter, filter: mapValues(filter.filter, replace) };
    case 'valuePath':
      return { ...filter, filter: mapValues(filter.filter, replace) };
  }
}

const HOLE = '\u0001';

export interface FilterShape {
  /** Identifies the shape: equal for `userName eq "a"` and `userName eq "b"`. */
  key: string;
  /** The string literals taken out, in order. */
  literals: string[];
  /** The filter with literal `i` replaced by `fill(i)`. */
  fill(fill: (index: number) => string): Filter;
}

/**
 * A filter with its string literals taken out, so that every lookup of one shape (Entra's `userName eq "…"`,
 * `externalId eq "…"`, `id eq "…" and members[value eq "…"]`) reuses one compiled statement. Empty strings stay in
 * the shape (`co ""` compiles differently), as do numbers, booleans and null.
 */
export function filterShape(filter: Filter): FilterShape {
  const literals: string[] = [];
  const shape = mapValues(filter, (value) => {
    if (typeof value !== 'string' || value === '') return value;
    literals.push(value);
    return HOLE;
  });
  return {
    key: JSON.stringify(shape),
    literals,
    fill(fill) {
      let index = 0;
      return mapValues(shape, (value) => (value === HOLE ? fill(index++) : value));
    },
  };
}
