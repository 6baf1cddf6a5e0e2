import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Connection } from '../../src/store/connect.ts';
import type { Database } from '../../src/store/database.ts';
import { migrations } from '../../src/store/migrations/index.ts';

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** One row of SQLite's EXPLAIN QUERY PLAN. */
export interface PlanStep {
  id: number;
  parent: number;
  detail: string;
}

/**
 * An in-memory SQLite database (migrated, with the pragmas `connect` sets) whose Kysely logs every statement it
 * executes. Pass `connection` to `TestRoster.start({ connection })` or `buildApp`, then wrap requests in `record` to
 * see exactly what SQL they ran, and `plan` to ask SQLite how it runs each statement.
 */
export class QueryLog {
  private recording: Statement[] | undefined;

  private constructor(
    readonly sqlite: BetterSqlite3.Database,
    readonly db: Kysely<Database>,
  ) {}

  static async open(): Promise<QueryLog> {
    const sqlite = new BetterSqlite3(':memory:');
    sqlite.pragma('foreign_keys = ON');
    let log: QueryLog | undefined;
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: sqlite }),
      log: (event) => {
        if (event.level === 'query') log?.recording?.push({ sql: event.query.sql, parameters: event.query.parameters });
      },
    });
    const { error } = await new Migrator({ db, provider: migrations }).migrateToLatest();
    if (error) throw error;
    log = new QueryLog(sqlite, db);
    return log;
  }

  get connection(): Connection {
    return { db: this.db, dialect: 'sqlite', poolStats: () => ({ total: 1, idle: 1, waiting: 0 }), close: () => this.db.destroy() };
  }

  /** Runs `work` and returns the data statements (no begin/commit/savepoint) it executed, in order. */
  async record<T>(work: () => Promise<T>): Promise<{ result: T; statements: Statement[] }> {
    const statements: Statement[] = [];
    this.recording = statements;
    try {
      const result = await work();
      return { result, statements: statements.filter((s) => /^\s*(select|insert|update|delete|with)\b/i.test(s.sql)) };
    } finally {
      this.recording = undefined;
    }
  }

  /** SQLite's plan for a recorded statement, with the parameters it ran with. */
  plan(statement: Statement): PlanStep[] {
    return this.sqlite.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...(statement.parameters as unknown[])) as PlanStep[];
  }
}
