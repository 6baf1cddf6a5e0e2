import { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { rosterTypeParsers } from './type-parsers.ts';

/**
 * PostgreSQL compiled to WebAssembly, in this process, behind the same pool interface as `pg`, so Kysely's own
 * PostgreSQL driver — the code production runs — drives it. PGlite has one connection: the pool lends it to one
 * borrower at a time, first come first served, so a transaction never interleaves with another request's queries.
 * It lets `npm test` cover the PostgreSQL dialect on a machine without a server, and serves `--database pglite:DIR`.
 */
export class PglitePool implements PostgresPool {
  private borrowed = false;
  private readonly waiters: Array<(client: PostgresPoolClient) => void> = [];
  private readonly client: PostgresPoolClient;

  private constructor(private readonly pglite: PGlite) {
    this.client = {
      query: (async (sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<unknown>> => {
        const result = await pglite.query(sql, [...parameters]);
        const command = (/^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT') as PostgresQueryResult<unknown>['command'];
        return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
      }) as PostgresPoolClient['query'],
      release: () => this.release(),
    };
  }

  /** An in-memory database when `dataDir` is undefined, else the database files in `dataDir`. */
  static async open(dataDir?: string): Promise<PglitePool> {
    return new PglitePool(await PGlite.create(dataDir, { parsers: rosterTypeParsers }));
  }

  /** Connections in use and waiting, for /metrics: PGlite has one. */
  get stats() {
    return { total: 1, idle: this.borrowed ? 0 : 1, waiting: this.waiters.length };
  }

  async connect(): Promise<PostgresPoolClient> {
    if (!this.borrowed) {
      this.borrowed = true;
      return this.client;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next(this.client);
    else this.borrowed = false;
  }

  async end(): Promise<void> {
    await this.pglite.close();
  }
}
