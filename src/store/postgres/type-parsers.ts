/** PostgreSQL type oids whose text form Roster reads differently from the drivers' defaults. */
const INT8 = 20;

/**
 * `bigint` columns (change sequence, counters, count(*)) as JavaScript numbers, as SQLite returns them. Both
 * drivers return them as strings by default, to be safe beyond 2^53; Roster's counters stay far below it.
 */
export const rosterTypeParsers: Record<number, (text: string) => unknown> = {
  [INT8]: (text) => Number(text),
};
