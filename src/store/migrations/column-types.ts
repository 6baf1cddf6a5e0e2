import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect/dialect-of.ts';

/**
 * Column types that must be spelled differently per dialect for both to behave alike.
 * - Text compares byte by byte in SQLite; PostgreSQL follows the database's collation (`en_US`: "a" < "B", and
 *   punctuation ignored at first). `collate "C"` gives PostgreSQL SQLite's order, so sortBy and gt/lt answer the
 *   same on both, whatever locale the operator's database was created with — and byte order makes index
 *   comparisons cheaper.
 * - An auto-increment key is `integer primary key autoincrement` in SQLite, an identity column in PostgreSQL.
 */
export function columnTypes(db: Kysely<any>) {
  const postgres = dialectOf(db) === 'postgres';
  return {
    text: postgres ? sql`text collate "C"` : sql`text`,
    serialKey: postgres ? sql`bigint generated always as identity primary key` : sql`integer primary key autoincrement`,
  };
}
