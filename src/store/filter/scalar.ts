import { type Expression, sql, type SqlBool } from 'kysely';
import type { CompareOperator } from '../../scim/filter/ast.ts';
import type { AttributeDefinition } from '../../scim/schema/attribute.ts';
import type { JsonSql } from '../dialect/json-sql.ts';
import type { ColumnSource, ConstantSource } from './attribute-source.ts';
import type { Rejecter } from './invalid.ts';
import { TRUE } from './sql-logic.ts';

/**
 * One single value a comparison reads — a column, a constant or a location in a document — with the readings the
 * comparisons need. Which reading a comparison uses follows the attribute's declared type.
 */
export interface Scalar {
  definition: Pick<AttributeDefinition, 'name' | 'type' | 'caseExact'>;
  /** Declared nowhere (a custom extension attribute first seen in data): the literal's JSON type picks the reading. */
  inferred: boolean;
  /** See ColumnSource.folded. */
  folded: boolean;
  /** See ColumnSource.timestamp. */
  timestamp: boolean;
  text(): Expression<string | null>;
  number(): Expression<number | null>;
  boolean(): Expression<number | null>;
  present(): Expression<SqlBool>;
}

/** The dialect's text literals and plain-substring tests, the only dialect-specific SQL a comparison needs. */
export type TextSql = Pick<JsonSql, 'literal' | 'contains' | 'startsWith' | 'endsWith'>;

/** The operators a scalar comparison compiles; `ne` is always compiled as `not eq` (see compile-filter.ts). */
export type ScalarOperator = Exclude<CompareOperator, 'ne'>;

const NULL = sql<null>`null`;

export function columnScalar(source: ColumnSource): Scalar {
  const { column } = source;
  return {
    definition: source.definition,
    inferred: false,
    folded: source.folded,
    timestamp: source.timestamp,
    text: () => sql<string | null>`${column}`,
    number: () => sql<number | null>`${column}`,
    boolean: () => sql<number | null>`${column}`,
    present: () => source.present,
  };
}

export function constantScalar(
  source: Pick<ConstantSource, 'definition' | 'value'>,
  dialect: Pick<TextSql, 'literal'>,
): Scalar {
  const value = dialect.literal(source.value);
  return {
    definition: source.definition,
    inferred: false,
    folded: false,
    timestamp: false,
    text: () => value,
    number: () => NULL,
    boolean: () => NULL,
    present: () => TRUE,
  };
}

export function documentScalar<N>(json: JsonSql<N>, node: N, definition: Scalar['definition'], inferred: boolean): Scalar {
  return {
    definition,
    inferred,
    folded: false,
    timestamp: false,
    text: () => json.text(node),
    number: () => json.number(node),
    boolean: () => json.boolean(node),
    present: () => json.present(node),
  };
}

const ORDERING = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/**
 * `scalar op value`: NULL (unknown) when the value is absent or of another JSON type, so that only negation
 * decides what absence means. String comparisons are case-insensitive unless the attribute is caseExact; co, sw
 * and ew are plain substring tests, so `%` and `_` in a value are literal characters.
 */
export function compareScalar(
  scalar: Scalar,
  op: ScalarOperator,
  value: string | number | boolean,
  dialect: TextSql,
  reject: Rejecter,
): Expression<SqlBool> {
  const name = scalar.definition.name;
  switch (readingFor(scalar, op, value, reject)) {
    case 'boolean': {
      if (op !== 'eq') throw reject(`"${name}" is a boolean: only eq, ne and pr apply to it`);
      const expected = asBoolean(value);
      if (expected === undefined) throw reject(`"${name}" is a boolean, and ${JSON.stringify(value)} is not`);
      return sql<SqlBool>`${scalar.boolean()} = ${expected ? 1 : 0}`;
    }
    case 'number': {
      if (op === 'co' || op === 'sw' || op === 'ew') throw reject(`"${name}" is a number: ${op} does not apply to it`);
      const expected = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
      if (!Number.isFinite(expected)) throw reject(`"${name}" is a number, and ${JSON.stringify(value)} is not`);
      return sql<SqlBool>`${scalar.number()} ${sql.raw(ORDERING[op])} ${expected}`;
    }
    case 'text':
      return compareText(scalar, op, String(value), dialect, reject);
  }
}

function readingFor(scalar: Scalar, op: ScalarOperator, value: string | number | boolean, reject: Rejecter) {
  if (scalar.inferred) {
    if (typeof value === 'boolean') return 'boolean';
    // An unquoted number orders as a number, but means its text for eq and the substring tests: the value may be
    // stored either way.
    return typeof value === 'number' && (op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') ? 'number' : 'text';
  }
  switch (scalar.definition.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'decimal':
      return 'number';
    case 'complex':
      throw reject(`"${scalar.definition.name}" is complex: compare one of its sub-attributes`);
    default:
      return 'text';
  }
}

function compareText(scalar: Scalar, op: ScalarOperator, text: string, dialect: TextSql, reject: Rejecter): Expression<SqlBool> {
  const substring = op === 'co' || op === 'sw' || op === 'ew';
  if (substring && text === '') return sql<SqlBool>`${scalar.text()} is not null`;
  let expected = text;
  if (scalar.timestamp && !substring) {
    const iso = isoTimestamp(text);
    if (!iso) throw reject(`"${scalar.definition.name}" is a dateTime, and ${JSON.stringify(text)} is not one`);
    expected = iso;
  }
  // Unless the value is stored folded (a `_key` column), both sides go through SQL lower(), so they fold alike:
  // ASCII letters only, in SQLite and under PostgreSQL's collate "C" (see JsonSql.literal).
  const { actual, literal } =
    scalar.definition.caseExact || scalar.timestamp
      ? { actual: scalar.text(), literal: dialect.literal(expected) }
      : scalar.folded
        ? { actual: scalar.text(), literal: dialect.literal(expected.toLowerCase()) }
        : { actual: sql<string | null>`lower(${scalar.text()})`, literal: sql<string>`lower(${dialect.literal(expected)})` };
  switch (op) {
    case 'co':
      return dialect.contains(actual, literal);
    case 'sw':
      return dialect.startsWith(actual, literal);
    case 'ew':
      return dialect.endsWith(actual, literal);
    default:
      return sql<SqlBool>`${actual} ${sql.raw(ORDERING[op])} ${literal}`;
  }
}

/** Entra sends booleans as "True" and "False". */
function asBoolean(value: string | number | boolean): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/**
 * The literal in the form the timestamp columns hold, so that text order is time order. A time without a zone is
 * read as UTC, as the server writes every timestamp, not in the server's local zone as `Date.parse` would.
 */
function isoTimestamp(text: string): string | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const hasTime = text.length > 10;
  const time = Date.parse(hasTime && !match[1] ? `${text}Z` : text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
