import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { FairSqliteDialect } from './fair-sqlite-dialect.ts';
import { withStatementCache } from './statement-cache.ts';

/** Opens (creating it if needed) the SQLite file at `location`, or an in-memory database for `:memory:`. */
export function openSqlite(location: string): Kysely<Database> {
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
  const sqlite = new BetterSqlite3(location);
  // WAL lets readers run beside the single writer; synchronous=NORMAL in WAL mode survives a process crash
  // (kill -9) without losing a committed transaction — only an OS crash or power loss can drop the last ones.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  return new Kysely<Database>({ dialect: new FairSqliteDialect({ database: withStatementCache(sqlite) }) });
}
