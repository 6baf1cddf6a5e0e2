import type { AttributePath } from '../path/attribute-path.ts';

/** RFC 7644 §3.4.2.2 comparison operators. */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A JSON literal in a filter: `"text"`, a number, `true`, `false` or `null`. */
export type FilterValue = string | number | boolean | null;

/**
 * One AST serves filters (`?filter=`, `.search`) and PATCH value paths (`members[value eq "U"]`).
 * Inside a `valuePath`, paths are relative to the element: `emails[type eq "work"]` holds `{ name: "type" }`.
 * Entra's `emails[type eq "work"].value eq "x"` parses to a valuePath whose filter is
 * `type eq "work" and value eq "x"` — the same element must satisfy both.
 */
export type Filter =
  | { kind: 'compare'; op: CompareOperator; path: AttributePath; value: FilterValue }
  | { kind: 'present'; path: AttributePath }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'valuePath'; path: AttributePath; filter: Filter };
