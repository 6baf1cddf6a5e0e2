import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from './processes.ts';
import type { PostgresServer } from './postgres-server.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Where each Roster the benchmark launches keeps its data: a new, empty database per server, removed once that
 * server has stopped, and in any case when the benchmark ends (normally, on failure or on Ctrl-C).
 */
export interface FreshDatabases {
  dialect: Dialect;
  /** A new empty database; the returned location is what `roster serve --database` takes. */
  create(label: string): Promise<string>;
  /** Removes a database created here (its server must have stopped). */
  dispose(location: string): Promise<void>;
  /** PostgreSQL only: the database's name on the server, to tell its backends from other clients'. */
  serverDatabaseName?(location: string): string;
}

/** A SQLite file per server in the benchmark's temporary directory (which the clean-up removes as a whole). */
export function sqliteDatabases(workDir: string, keep: boolean): FreshDatabases {
  return {
    dialect: 'sqlite',
    create: async (label) => join(workDir, `${label}.db`),
    async dispose(location) {
      // A 1M-user file is about 1 GB with its WAL: freed now rather than at the end of the run.
      if (!keep) for (const suffix of ['', '-wal', '-shm']) rmSync(`${location}${suffix}`, { force: true });
    },
  };
}

/** A database per server on a PostgreSQL server (`CREATE DATABASE roster_bench_…`), dropped after use. */
export function postgresDatabases(server: PostgresServer, keep: boolean): FreshDatabases {
  const names = new Map<string, { name: string; unregister: () => void }>();
  return {
    dialect: 'postgres',
    async create(label) {
      const name = await server.createDatabase(label);
      const location = server.databaseUrl(name);
      const unregister = keep ? () => {} : onCleanup(() => server.dropDatabaseNow(name));
      names.set(location, { name, unregister });
      return location;
    },
    async dispose(location) {
      const entry = names.get(location);
      if (!entry || keep) return;
      await server.dropDatabase(entry.name);
      entry.unregister();
      names.delete(location);
    },
    serverDatabaseName: (location) => new URL(location).pathname.slice(1),
  };
}
