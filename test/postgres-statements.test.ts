/**
 * PostgreSQL parses and plans each of Roster's parameterised statements once per connection (named statements), and
 * a running instance keeps working while another one applies a migration that adds a column: the rolling upgrade.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Connection } from '../src/store/connect.ts';
import type { Database } from '../src/store/database.ts';
import { connectTestDatabase, testDialect, testPostgresUrl } from './support/test-database.ts';

const skip = testDialect !== 'postgres' ? 'runs in the PostgreSQL pass' : !testPostgresUrl ? 'needs a PostgreSQL server (PGlite has no pg connections)' : false;

describe('statements on a PostgreSQL server', { skip }, () => {
  let connection: Connection;
  before(async () => {
    connection = await connectTestDatabase('postgres');
  });
  after(async () => {
    await connection?.close();
  });

  /** Runs `work` on one pooled connection, and returns the statements that connection holds prepared afterwards. */
  async function preparedAfter(work: (trx: Transaction<Database>) => Promise<unknown>): Promise<string[]> {
    return connection.db.transaction().execute(async (trx) => {
      await work(trx);
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx);
      return rows.map((r) => r.statement);
    });
  }

  test('a parameterised statement is prepared once per connection; one that reads * is not', async () => {
    const statements = await preparedAfter(async (trx) => {
      for (let i = 0; i < 3; i++) await trx.selectFrom('directories').select(['id', 'name']).where('id', '=', `d${i}`).execute();
      await trx.selectFrom('directories').selectAll().where('id', '=', 'd0').execute();
    });
    assert.equal(statements.filter((s) => /select "id", "name" from "directories" where "id" = \$1/.test(s)).length, 1);
    assert.equal(statements.filter((s) => s.includes('*')).length, 0);
  });

  test('a column added by another instance (a rolling migration) breaks no statement of this one', async () => {
    await connection.db.insertInto('organizations').values({ id: 'o1', name: 'Contoso', created_at: new Date().toISOString() }).execute();
    const read = () => connection.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', 'o1').executeTakeFirst();
    const readAll = () => connection.db.selectFrom('organizations').selectAll().where('id', '=', 'o1').executeTakeFirst();
    // Every pooled connection prepares the statement (pg gives a released connection to the next query first).
    await Promise.all(Array.from({ length: 12 }, () => read()));
    const other = new pg.Client({ connectionString: testPostgresUrl });
    const searchPath = (await sql<{ search_path: string }>`show search_path`.execute(connection.db)).rows[0]!.search_path;
    await other.connect();
    try {
      await other.query(`set search_path = ${searchPath}`);
      await other.query('alter table organizations add column rolled_out text');
    } finally {
      await other.end();
    }
    assert.deepEqual(await read(), { id: 'o1', name: 'Contoso' });
    assert.equal(((await readAll()) as Record<string, unknown> | undefined)?.rolled_out, null);
  });
});
