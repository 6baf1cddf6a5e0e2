import { type Expression, type RawBuilder, sql, type SqlBool } from 'kysely';

/**
 * Boolean connectives for compiled filters. Comparisons on absent attributes are SQL NULL ("unknown"). Under AND
 * and OR, NULL behaves exactly like false as far as WHERE is concerned, so only negation needs care: `NOT NULL` is
 * NULL and would drop the row, while SCIM's `not (title pr)` must match a user without a title. `IS NOT TRUE` turns
 * unknown into a match, so every negation is two-valued.
 */
export const TRUE: RawBuilder<SqlBool> = sql<SqlBool>`1 = 1`;
export const FALSE: RawBuilder<SqlBool> = sql<SqlBool>`1 = 0`;

export const and = (left: Expression<SqlBool>, right: Expression<SqlBool>): RawBuilder<SqlBool> =>
  sql<SqlBool>`(${left} and ${right})`;

export const or = (left: Expression<SqlBool>, right: Expression<SqlBool>): RawBuilder<SqlBool> =>
  sql<SqlBool>`(${left} or ${right})`;

export const not = (operand: Expression<SqlBool>): RawBuilder<SqlBool> => sql<SqlBool>`(${operand}) is not true`;

export const constant = (value: boolean): RawBuilder<SqlBool> => (value ? TRUE : FALSE);
