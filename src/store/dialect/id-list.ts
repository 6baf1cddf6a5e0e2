import { type Expression, sql } from 'kysely';
import type { DialectName } from '../connect.ts';

/**
 * The ids in `list` (a bound JSON array of strings) as a subquery for `in`: one statement, prepared once, for any
 * number of ids — where a literal `in (?, ?, …)` list would make a new statement for every length.
 */
export function idsIn(dialect: DialectName, list: unknown): Expression<string> {
  return dialect === 'postgres' ? sql<string>`(select json_array_elements_text(cast(${list} as json)))` : sql<string>`(select value from json_each(${list}))`;
}
