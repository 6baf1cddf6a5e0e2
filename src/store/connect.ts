import { type Kysely, Migrator, sql } from 'kysely';
import type { Database } from './database.ts';
import { migrations } from './migrations/index.ts';
import type { PoolStats } from './pool-stats.ts';
import { openPglite, openPostgres } from './postgres/open-postgres.ts';
import { DEFAULT_POOL_OPTIONS, type PoolOptions } from './postgres/pool-options.ts';
import { openSqlite } from './sqlite/open-sqlite.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Connection {
  db: Kysely<Database>;
  dialect: DialectName;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL pool settings; SQLite has one connection. */
  pool?: Partial<PoolOptions>;
  /** Told when the server drops an idle PostgreSQL connection (the pool replaces it). */
  onIdleError?: (error: Error) => void;
}

/**
 * Opens the database named by `location` and applies pending migrations:
 * - `postgres://…` or `postgresql://…`: a PostgreSQL server, through a `pg` pool;
 * - `pglite:` (in memory) or `pglite:DIR`: PostgreSQL embedded in this process (PGlite), for tests and trials;
 * - anything else: a SQLite file path, or `:memory:`.
 *
 * Several instances may start together on one PostgreSQL: the migrator holds an advisory lock and applies the
 * migrations in one transaction, so exactly one instance applies them and the others find them applied.
 */
export async function connect(location: string, options: ConnectOptions = {}): Promise<Connection> {
  let connection: Connection;
  if (/^postgres(ql)?:\/\//i.test(location)) {
    const opened = openPostgres(location, { ...DEFAULT_POOL_OPTIONS, ...options.pool }, options.onIdleError ?? (() => {}));
    connection = { ...opened, dialect: 'postgres', close: () => opened.db.destroy() };
  } else if (location.startsWith('pglite:')) {
    const opened = await openPglite(location.slice('pglite:'.length) || undefined);
    connection = { ...opened, dialect: 'postgres', close: () => opened.db.destroy() };
  } else {
    const db = openSqlite(location);
    connection = { db, dialect: 'sqlite', poolStats: () => ({ total: 1, idle: 1, waiting: 0 }), close: () => db.destroy() };
  }
  try {
    await migrate(connection);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

async function migrate({ db, dialect }: Connection): Promise<void> {
  // Kysely looks for its bookkeeping tables in every schema it can see: name the one in use (search_path), or a
  // database where another schema holds them too (one per tenant, one per test) would look migrated when it is not.
  const migrationTableSchema =
    dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider: migrations, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    // Kysely's introspection reads the catalog of every schema, looking each one up again by name: a schema
    // that another tenant (or test) drops at that moment fails the scan with "schema … does not exist". Nothing
    // was applied yet; looking again finds it gone.
    if (attempt < MIGRATE_ATTEMPTS && (error as { code?: string }).code === INVALID_SCHEMA_NAME) continue;
    throw error;
  }
}

const MIGRATE_ATTEMPTS = 5;
const INVALID_SCHEMA_NAME = '3F000';
