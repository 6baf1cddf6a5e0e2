import { type Expression, sql, type SqlBool } from 'kysely';
import { formatAttributePath, type AttributePath } from '../../scim/path/attribute-path.ts';
import type { AttributeDefinition } from '../../scim/schema/attribute.ts';
import type { ResourceSchema } from '../../scim/schema/resource-schema.ts';
import type { Rejecter } from './invalid.ts';
import { TRUE } from './sql-logic.ts';

/**
 * Where the value of an attribute a filter or sortBy names is kept. Promoted columns come first because they are
 * what the indexes cover; the document answers everything else.
 */
export type AttributeSource = ColumnSource | ConstantSource | MembershipSource | DocumentSource | SchemasSource | MetaSource;

/** A promoted column: a copy of one attribute that indexes, uniqueness and sorting read instead of the document. */
export interface ColumnSource {
  kind: 'column';
  column: Expression<unknown>;
  definition: AttributeDefinition;
  /**
   * The column holds the value lower-cased (a `_key` column, written with `String.prototype.toLowerCase`), so a
   * literal is lower-cased the same way and the column is compared as it is: that keeps the index usable.
   */
  folded: boolean;
  /** The column holds ISO-8601 timestamps as `Date.prototype.toISOString` writes them. */
  timestamp: boolean;
  present: Expression<SqlBool>;
}

/** A value the server derives and every resource of the table shares (`meta.resourceType`). */
export interface ConstantSource {
  kind: 'constant';
  definition: AttributeDefinition;
  value: string;
}

/** `members` of a group or `groups` of a user: rows of group_members, never part of a document. */
export interface MembershipSource {
  kind: 'membership';
  definition: AttributeDefinition;
  sub: AttributeDefinition | undefined;
}

/** An attribute read from `doc`. `keys` lead to the attribute; a sub-attribute is the consumer's to append. */
export interface DocumentSource {
  kind: 'document';
  keys: string[];
  definition: AttributeDefinition;
  sub: AttributeDefinition | undefined;
  /** A custom extension attribute nobody declared: its type and shape are unknown. */
  inferred: boolean;
}

/** `schemas`: the core URN plus one URN per extension the document holds. Not a stored attribute. */
export interface SchemasSource {
  kind: 'schemas';
}

/** `meta` itself: a complex attribute every resource has, assembled from columns when a resource is returned. */
export interface MetaSource {
  kind: 'meta';
}

/**
 * RFC 8141 URN syntax, narrowed to characters that are safe inside every dialect's JSON path. An undeclared
 * extension URN comes straight from the request, and becomes a document key.
 */
const EXTENSION_URN = /^urn:[a-z0-9][a-z0-9-]{0,31}:[\w()+,.:=@;$!*'%/?#~&-]+$/i;

const ref = (table: 'users' | 'groups', column: string) => sql.ref(`${table}.${column}`);

/** Present unless NULL or empty: how `pr` reads a nullable text column (RFC 7644: "a non-empty value"). */
const nonEmpty = (column: Expression<unknown>) => sql<SqlBool>`(${column} is not null and ${column} <> '')`;

/** Resolves a path (as a client wrote it) against the schema to the place its value is stored. */
export function resolveAttributeSource(
  path: AttributePath,
  schema: ResourceSchema,
  resource: 'users' | 'groups',
  reject: Rejecter,
): AttributeSource {
  const written = formatAttributePath(path);
  if ((!path.urn || schema.isCore(path.urn)) && !path.sub && path.name.toLowerCase() === 'schemas') {
    return { kind: 'schemas' };
  }
  const resolved = schema.resolve(path);
  if (!resolved) throw reject(`unknown attribute "${written}"`);
  const { urn, definition, sub, inferred } = resolved;
  if (definition.returned === 'never' || sub?.returned === 'never') {
    throw reject(`"${written}" is never returned, so it cannot be used in a ${reject.parameter}`);
  }
  if (urn !== undefined) {
    if (inferred && !EXTENSION_URN.test(urn)) throw reject(`"${urn}" is not a valid schema URN`);
    return { kind: 'document', keys: [urn, definition.name], definition, sub, inferred };
  }
  if ((resource === 'groups' && definition.name === 'members') || (resource === 'users' && definition.name === 'groups')) {
    return { kind: 'membership', definition, sub };
  }
  const column = promotedColumn(resource, definition, sub);
  if (column) return column;
  if (definition.name === 'meta') {
    if (!sub) return { kind: 'meta' };
    if (sub.name === 'resourceType') return { kind: 'constant', definition: sub, value: resource === 'users' ? 'User' : 'Group' };
    // location depends on the request's base URL and version on the row's counter: neither is worth a query.
    throw reject(`"${written}" is not supported in a ${reject.parameter}`);
  }
  return { kind: 'document', keys: [definition.name], definition, sub, inferred };
}

/** The `value` sub-attribute of a multi-valued complex attribute: what the attribute's name alone stands for. */
export function valueSubAttribute(definition: AttributeDefinition): AttributeDefinition | undefined {
  return definition.subAttributes?.find((sub) => sub.name === 'value');
}

function promotedColumn(
  resource: 'users' | 'groups',
  definition: AttributeDefinition,
  sub: AttributeDefinition | undefined,
): ColumnSource | undefined {
  const name = sub ? `${definition.name}.${sub.name}` : definition.name;
  const column = (name: string, options: { folded?: boolean; present?: Expression<SqlBool> } = {}): ColumnSource => ({
    kind: 'column',
    column: ref(resource, name),
    definition: sub ?? definition,
    folded: options.folded ?? false,
    timestamp: false,
    present: options.present ?? TRUE,
  });
  switch (name) {
    case 'id':
      return column('id');
    case 'externalId':
      return column('external_id', { present: nonEmpty(ref(resource, 'external_id')) });
    case 'meta.created':
      return { ...column('created_at'), timestamp: true };
    case 'meta.lastModified':
      return { ...column('last_modified'), timestamp: true };
    case 'displayName':
      return resource === 'users'
        ? column('display_name', { present: nonEmpty(ref(resource, 'display_name')) })
        : column('display_name_key', { folded: true, present: nonEmpty(ref(resource, 'display_name_key')) });
  }
  if (resource !== 'users') return undefined;
  switch (name) {
    case 'userName':
      return column('user_name_key', { folded: true, present: nonEmpty(ref(resource, 'user_name_key')) });
    case 'active':
      // The column is never NULL: a user without `active` is stored as active (resource-row.ts), so it is present.
      return column('active');
  }
  return undefined;
}
