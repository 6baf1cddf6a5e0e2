import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.ts';
import type { PoolStats } from '../pool-stats.ts';
import { NamedStatementClient } from './named-statement-client.ts';
import { PglitePool } from './pglite-pool.ts';
import type { PoolOptions } from './pool-options.ts';
import { rosterTypeParsers } from './type-parsers.ts';

export interface OpenedPostgres {
  db: Kysely<Database>;
  poolStats(): PoolStats;
}

/** A `pg` pool on the server at `url` (a postgres:// connection string, which may carry sslmode and options). */
export function openPostgres(url: string, options: PoolOptions, onIdleError: (error: Error) => void): OpenedPostgres {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMillis,
    idleTimeoutMillis: options.idleTimeoutMillis,
    statement_timeout: options.statementTimeoutMillis || undefined,
    application_name: 'roster',
    Client: NamedStatementClient,
    types: { getTypeParser: ((oid: number, format?: string) => rosterTypeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser },
  });
  // An idle connection that the server drops (restart, failover) emits here; unhandled, it would end the process.
  // The pool has already discarded it, and the next query opens a fresh one.
  pool.on('error', onIdleError);
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** PostgreSQL in this process (PGlite): in memory when `dataDir` is undefined. */
export async function openPglite(dataDir: string | undefined): Promise<OpenedPostgres> {
  const pool = await PglitePool.open(dataDir);
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), poolStats: () => pool.stats };
}
