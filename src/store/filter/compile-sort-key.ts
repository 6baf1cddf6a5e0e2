import { type Expression, sql } from 'kysely';
import { parseAttributePath } from '../../scim/path/attribute-path.ts';
import type { ResourceSchema } from '../../scim/schema/resource-schema.ts';
import type { JsonSql } from '../dialect/json-sql.ts';
import { type DocumentSource, resolveAttributeSource, valueSubAttribute } from './attribute-source.ts';
import { invalidSortBy } from './invalid.ts';
import { columnScalar, constantScalar, documentScalar, type Scalar } from './scalar.ts';

/**
 * The ORDER BY expression for `sortBy` (RFC 7644 §3.4.2.3). Promoted columns sort by themselves (userName by its
 * lower-cased key, a group's displayName likewise, meta.created, meta.lastModified, externalId, id, active, and a
 * user's emails by email_key, which is the primary-else-first email lower-cased). Any other attribute sorts by its
 * document value: a multi-valued one by its primary-else-first element's value; case-insensitive strings by their
 * lower-cased text.
 *
 * An attribute with no value sorts as NULL. RFC 7644 puts those last ascending and first descending, which is
 * PostgreSQL's default but not SQLite's: order with `nullsLast()` / `nullsFirst()` explicitly.
 *
 * An unknown attribute, a complex one without a sub-attribute, `members`/`groups` and `schemas` throw
 * `invalidValue`: the RFC names no error for sortBy, and silently ignoring it would return an order the client did
 * not ask for.
 */
export function compileSortKey<N>(
  sortBy: string,
  schema: ResourceSchema,
  resource: 'users' | 'groups',
  json: JsonSql<N>,
): Expression<unknown> {
  const path = parseAttributePath(sortBy.trim(), schema.urns);
  if (!path || !path.name) throw invalidSortBy(`"${sortBy}" is not an attribute path`);
  const source = resolveAttributeSource(path, schema, resource, invalidSortBy);
  switch (source.kind) {
    case 'column':
      return sortValue(columnScalar(source));
    case 'constant':
      return sortValue(constantScalar(source, json));
    case 'document':
      return documentSortKey(source, resource, json);
    case 'membership':
    case 'schemas':
    case 'meta':
      throw invalidSortBy(`cannot sort by "${sortBy}"`);
  }
}

function documentSortKey<N>(source: DocumentSource, resource: 'users' | 'groups', json: JsonSql<N>): Expression<unknown> {
  const { definition, sub, inferred } = source;
  if (resource === 'users' && source.keys.length === 1 && definition.name === 'emails' && (!sub || sub.name === 'value')) {
    return sql.ref('users.email_key');
  }
  const node = json.at(sql.ref<string>(`${resource}.doc`), source.keys);
  if (inferred) {
    // One value or a list of them: whichever the document holds.
    const at = (n: N) => (sub ? json.member(n, [sub.name]) : n);
    const value = (n: N) => sortValue(documentScalar(json, at(n), sub ?? definition, true));
    return sql`coalesce(${value(node)}, ${value(json.primaryElement(node))})`;
  }
  if (definition.multiValued) {
    const element = json.primaryElement(node);
    if (definition.type !== 'complex') return sortValue(documentScalar(json, element, definition, false));
    const elementSub = sub ?? valueSubAttribute(definition);
    if (!elementSub) throw invalidSortBy(`"${definition.name}" has no value sub-attribute: sort by one of its sub-attributes`);
    return sortValue(documentScalar(json, json.member(element, [elementSub.name]), elementSub, false));
  }
  if (sub) return sortValue(documentScalar(json, json.member(node, [sub.name]), sub, false));
  if (definition.type === 'complex') throw invalidSortBy(`"${definition.name}" is complex: sort by one of its sub-attributes`);
  return sortValue(documentScalar(json, node, definition, false));
}

function sortValue(scalar: Scalar): Expression<unknown> {
  switch (scalar.definition.type) {
    case 'boolean':
      return scalar.boolean();
    case 'integer':
    case 'decimal':
      return scalar.number();
    default:
      return scalar.definition.caseExact || scalar.folded || scalar.timestamp ? scalar.text() : sql`lower(${scalar.text()})`;
  }
}
