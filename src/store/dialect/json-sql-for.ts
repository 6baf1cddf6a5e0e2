import type { DialectName } from '../connect.ts';
import type { JsonSql } from './json-sql.ts';
import { postgresJson } from './postgres-json.ts';
import { sqliteJson } from './sqlite-json.ts';

/** The filter compiler's SQL for the database a connection reached. */
export function jsonSqlFor(dialect: DialectName): JsonSql {
  return dialect === 'postgres' ? postgresJson : sqliteJson;
}
