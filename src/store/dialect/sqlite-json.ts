import { type Expression, type RawBuilder, sql, type SqlBool } from 'kysely';
import type { JsonSql } from './json-sql.ts';

/**
 * A location in a document, addressed the way SQLite's JSON functions take it: the document plus a JSON path.
 * Inside an EXISTS over an array, the path starts from the element's `fullkey` (a SQL value, `$."emails"[1]`), so
 * an element is read with the same functions as a top-level value, whether it is an object or a primitive.
 */
export interface SqliteJsonNode {
  doc: Expression<string>;
  /** A path computed in SQL that `keys` continue, or undefined when `keys` start at the document's root. */
  base: Expression<string | null> | undefined;
  keys: readonly string[];
  /** How many `json_each` scopes enclose the node, so nested scopes get distinct table aliases. */
  depth: number;
}

/**
 * SQLite's path syntax quotes a key in double quotes and has no escape for a double quote inside one. Canonical
 * attribute names and schema URNs never contain one; refuse rather than build a path that reads something else.
 */
function quoteKey(key: string): string {
  if (/["\\]/.test(key)) throw new RangeError(`JSON key cannot be addressed in SQLite: ${JSON.stringify(key)}`);
  return `."${key}"`;
}

/** The node's JSON path. Paths are bound parameters, never SQL text: keys are data, even when canonical. */
function pathOf(node: SqliteJsonNode): Expression<string | null> {
  const suffix = node.keys.map(quoteKey).join('');
  if (!node.base) return sql<string>`${`$${suffix}`}`;
  return suffix ? sql<string | null>`(${node.base} || ${suffix})` : node.base;
}

function typeOf(node: SqliteJsonNode): RawBuilder<string | null> {
  return sql`json_type(${node.doc}, ${pathOf(node)})`;
}

function extract(node: SqliteJsonNode): RawBuilder<unknown> {
  return sql`json_extract(${node.doc}, ${pathOf(node)})`;
}

/** `json_each` over the array at `node`. The type test keeps a scalar (which json_each yields as one row) out. */
function eachElement(node: SqliteJsonNode) {
  const alias = `e${node.depth + 1}`;
  const from = sql`json_each(${node.doc}, ${pathOf(node)}) as ${sql.table(alias)}`;
  const isArray = sql`${typeOf(node)} = 'array'`;
  const element: SqliteJsonNode = { doc: node.doc, base: sql.ref(`${alias}.fullkey`), keys: [], depth: node.depth + 1 };
  return { alias, from, isArray, element };
}

class SqliteJson implements JsonSql<SqliteJsonNode> {
  at(doc: Expression<string>, keys: readonly string[]): SqliteJsonNode {
    return { doc, base: undefined, keys, depth: 0 };
  }

  member(node: SqliteJsonNode, keys: readonly string[]): SqliteJsonNode {
    return { ...node, keys: [...node.keys, ...keys] };
  }

  someElement(
    node: SqliteJsonNode,
    predicate: (element: SqliteJsonNode) => Expression<SqlBool>,
  ): RawBuilder<SqlBool> {
    const { from, isArray, element } = eachElement(node);
    return sql<SqlBool>`exists (select 1 from ${from} where ${isArray} and (${predicate(element)}))`;
  }

  primaryElement(node: SqliteJsonNode): SqliteJsonNode {
    const { alias, from, isArray, element } = eachElement(node);
    const primary = this.boolean(this.member(element, ['primary']));
    // `key` is the array index: without a primary element, the first one wins.
    const fullkey = sql<string | null>`(select ${sql.ref(`${alias}.fullkey`)} from ${from} where ${isArray}
      order by coalesce(${primary}, 0) desc, ${sql.ref(`${alias}.key`)} limit 1)`;
    return { doc: node.doc, base: fullkey, keys: [], depth: node.depth };
  }

  text(node: SqliteJsonNode): RawBuilder<string | null> {
    // A number reads as text so that a string comparison against it is a text comparison (SQLite would otherwise
    // order any INTEGER before any TEXT).
    return sql`(case when ${typeOf(node)} in ('text', 'integer', 'real') then cast(${extract(node)} as text) end)`;
  }

  number(node: SqliteJsonNode): RawBuilder<number | null> {
    return sql`(case when ${typeOf(node)} in ('integer', 'real') then ${extract(node)} end)`;
  }

  boolean(node: SqliteJsonNode): RawBuilder<number | null> {
    return sql`(case ${typeOf(node)} when 'true' then 1 when 'false' then 0
      when 'text' then (case lower(${extract(node)}) when 'true' then 1 when 'false' then 0 end) end)`;
  }

  present(node: SqliteJsonNode): RawBuilder<SqlBool> {
    const alias = sql.table(`m${node.depth}`);
    const member = (column: string) => sql.ref(`m${node.depth}.${column}`);
    return sql<SqlBool>`(case ${typeOf(node)}
      when 'text' then ${extract(node)} <> ''
      when 'array' then json_array_length(${node.doc}, ${pathOf(node)}) > 0
      when 'object' then exists (select 1 from json_each(${node.doc}, ${pathOf(node)}) as ${alias}
        where ${member('type')} <> 'null' and not (${member('type')} = 'text' and ${member('value')} = '')
          and not (${member('type')} in ('array', 'object') and ${member('value')} in ('[]', '{}')))
      when 'null' then 0
      else ${typeOf(node)} is not null end)`;
  }

  literal(value: string): RawBuilder<string> {
    return sql<string>`${value}`;
  }

  contains(haystack: Expression<string | null>, needle: Expression<string>): RawBuilder<SqlBool> {
    return sql<SqlBool>`instr(${haystack}, ${needle}) > 0`;
  }

  startsWith(haystack: Expression<string | null>, needle: Expression<string>): RawBuilder<SqlBool> {
    // The first occurrence is at 1 exactly when the needle is a prefix.
    return sql<SqlBool>`instr(${haystack}, ${needle}) = 1`;
  }

  endsWith(haystack: Expression<string | null>, needle: Expression<string>): RawBuilder<SqlBool> {
    return sql<SqlBool>`substr(${haystack}, -length(${needle})) = ${needle}`;
  }
}

/** The SQLite JSON1 implementation (SQLite ≥ 3.38, as better-sqlite3 bundles). */
export const sqliteJson: JsonSql<SqliteJsonNode> = new SqliteJson();
