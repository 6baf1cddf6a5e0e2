import type { Expression, SqlBool } from 'kysely';

/**
 * The SQL that reads SCIM documents (JSON text in `users.doc` / `groups.doc`) and compares and searches text, which
 * differs between SQLite (`json_extract`, `json_each`, `instr`) and PostgreSQL (`json_extract_path`,
 * `json_array_elements`, `strpos`, `collate "C"`). The filter and sort compilers speak only this interface, so adding
 * a dialect means adding an implementation.
 *
 * `Node` is a location inside a document. Its representation belongs to the implementation: the compilers only
 * pass nodes back to the dialect that made them. Every accessor yields SQL NULL for a missing location, and for a
 * value of the wrong JSON type, so that comparisons on absent attributes are unknown rather than errors.
 */
export interface JsonSql<Node = unknown> {
  /** The value at `keys` (canonical attribute names, outermost first) in the JSON document `doc`. */
  at(doc: Expression<string>, keys: readonly string[]): Node;

  /** The value at `keys` below `node`. */
  member(node: Node, keys: readonly string[]): Node;

  /**
   * True when some element of the array at `node` satisfies `predicate` (an EXISTS over the elements); false when
   * `node` is missing or not an array. One element must satisfy the whole predicate, which is what makes
   * `emails[type eq "work" and value co "@x"]` differ from two separate conditions.
   */
  someElement(node: Node, predicate: (element: Node) => Expression<SqlBool>): Expression<SqlBool>;

  /**
   * The element of the array at `node` whose `primary` sub-attribute is true, else the first element (RFC 7644
   * §3.4.2.3: how a multi-valued attribute sorts). A missing location when the array is missing or empty.
   */
  primaryElement(node: Node): Node;

  /**
   * A JSON string, or a number as its text; NULL for anything else. Compared, ordered and lower-cased as the text
   * columns are: byte by byte, folding ASCII letters only.
   */
  text(node: Node): Expression<string | null>;

  /** A JSON number; NULL for anything else. */
  number(node: Node): Expression<number | null>;

  /**
   * A JSON boolean as 1 or 0 — also the strings "true" and "false" in any case, which Entra sends for booleans.
   * NULL for anything else. An integer rather than a SQL boolean so that every dialect compares it to a bound number.
   */
  boolean(node: Node): Expression<number | null>;

  /**
   * RFC 7644 `pr`: a non-empty string, a number, a boolean, a non-empty array, or an object with at least one
   * member that is none of null, "", [] and {}. Never NULL.
   */
  present(node: Node): Expression<SqlBool>;

  /**
   * A string the query compares with text columns and with `text()`: a bound parameter, typed as text and ordered
   * byte by byte as those are, so that `gt`, `lt` and `lower()` treat both sides alike. SQLite's text does that
   * already; PostgreSQL's follows the database's locale unless told otherwise.
   */
  literal(value: string): Expression<string>;

  /**
   * `haystack` contains `needle` as a plain substring: no pattern characters, unlike LIKE. For these three text
   * tests the needle is never the empty string (the compiler answers those itself).
   */
  contains(haystack: Expression<string | null>, needle: Expression<string>): Expression<SqlBool>;

  /** `haystack` starts with `needle`, as a plain string. */
  startsWith(haystack: Expression<string | null>, needle: Expression<string>): Expression<SqlBool>;

  /** `haystack` ends with `needle`, as a plain string. */
  endsWith(haystack: Expression<string | null>, needle: Expression<string>): Expression<SqlBool>;
}
