import pg from 'pg';
import { connect, type Connection, type DialectName } from '../../src/store/connect.ts';

/**
 * The database the suite runs on: `npm test` runs every test file twice, once per dialect, choosing it with
 * ROSTER_TEST_DIALECT. On PostgreSQL, a real server when ROSTER_TEST_POSTGRES_URL names one (CI starts one), else
 * PostgreSQL embedded in the test process (PGlite).
 */
export const testDialect: DialectName = process.env.ROSTER_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
export const testPostgresUrl = process.env.ROSTER_TEST_POSTGRES_URL || undefined;

export interface TestDatabase {
  /** What `connect` or `roster serve --database` takes to reach this database. */
  location: string;
  /** Removes the database (a server schema); the connections to it must be closed first. */
  drop(): Promise<void>;
}

/**
 * A new, empty database for one test. On a PostgreSQL server each gets a schema of its own, reached through the
 * connection string's `options=-c search_path=…`, so test files running side by side never see each other's rows.
 */
export async function createTestDatabase(dialect: DialectName = testDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') return { location: ':memory:', drop: async () => {} };
  if (!testPostgresUrl) return { location: 'pglite:', drop: async () => {} };
  const schema = `roster_test_${crypto.randomUUID().replaceAll('-', '')}`;
  await withAdmin((client) => client.query(`create schema ${schema}`));
  const url = new URL(testPostgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    location: url.toString(),
    drop: async () => {
      await withAdmin((client) => client.query(`drop schema ${schema} cascade`));
    },
  };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A connection to a fresh test database that drops the database when closed. */
export async function connectTestDatabase(dialect: DialectName = testDialect): Promise<Connection> {
  const database = await createTestDatabase(dialect);
  const connection = await connect(database.location);
  return {
    ...connection,
    close: async () => {
      await connection.close();
      await database.drop();
    },
  };
}
