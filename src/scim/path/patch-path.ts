import type { Filter } from '../filter/ast.ts';
import { FilterParser, type ParseOptions } from '../filter/parse-filter.ts';
import type { AttributePath } from './attribute-path.ts';

/**
 * The target of a PATCH operation (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`.
 * `emails[type eq "work"].value` is `{ attribute: { name: "emails" }, filter: type eq "work", sub: "value" }`;
 * a bare extension URN is `{ attribute: { urn, name: "" } }` (the whole extension object).
 */
export interface PatchPath {
  attribute: AttributePath;
  /** Selects elements of the multi-valued `attribute`; its paths are relative to one element. */
  filter?: Filter;
  /** The sub-attribute of each selected element; only after a filter (`name.givenName` keeps it in `attribute`). */
  sub?: string;
}

/** Parses a PATCH `path` with the filter parser, so the bracket filter is the filter grammar. Throws `invalidPath`. */
export function parsePatchPath(text: string, options: ParseOptions): PatchPath {
  return new FilterParser(text, options, 'invalidPath').path();
}
