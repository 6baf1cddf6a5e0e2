import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { ROOT } from './processes.ts';

/** What the report says about the PostgreSQL server: its version and the settings that shape the figures. */
export interface PostgresServerInfo {
  /** The URL without credentials, as given (with the maintenance database the benchmark connects to). */
  url: string;
  version: string;
  settings: Record<string, string>;
  /** Whether the server runs on this machine, sharing its cores with Roster and the load generator. */
  local: boolean;
}

/**
 * The settings that matter to a write-heavy benchmark: how much the server caches, whether a commit waits for the
 * WAL to reach the disk, and how many connections the instances may open.
 */
const REPORTED_SETTINGS = ['shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'full_page_writes', 'effective_cache_size', 'work_mem', 'max_connections'];

/**
 * The PostgreSQL server the benchmark runs against: it creates a database per launched Roster (`roster_bench_…`)
 * and drops it afterwards, through the maintenance database named in `adminUrl` (e.g. `/postgres`).
 */
export class PostgresServer {
  constructor(readonly adminUrl: string) {}

  /** The URL of database `name` on this server, with the same credentials and options as the admin URL. */
  databaseUrl(name: string): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async describe(): Promise<PostgresServerInfo> {
    const [version] = await this.query<{ server_version: string }>('show server_version');
    const settings = await this.query<{ name: string; setting: string }>(
      // current_setting() gives the unit an operator would write (128MB), not pg_settings' count of 8 kB pages.
      'select name, current_setting(name) as setting from pg_settings where name = any($1) order by name',
      [REPORTED_SETTINGS],
    );
    const url = new URL(this.adminUrl);
    url.password = '';
    return {
      url: url.toString(),
      version: version?.server_version ?? '?',
      settings: Object.fromEntries(settings.map((s) => [s.name, s.setting])),
      local: (await this.postmasterPid()) !== undefined,
    };
  }

  /**
   * The pid of the server's main process when it runs on this machine (found through the parent of the backend
   * serving this query), so that its CPU can be sampled; undefined for a remote server.
   */
  async postmasterPid(): Promise<number | undefined> {
    // Read while the connection is open: its backend process ends with it.
    return this.withClient(async (client) => {
      const backend = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      try {
        const parent = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${backend}/status`, 'utf8'))?.[1]);
        return /postgres/.test(readFileSync(`/proc/${parent}/cmdline`, 'utf8')) ? parent : undefined;
      } catch {
        return undefined;
      }
    });
  }

  /** Creates an empty database with a name of its own (`roster_bench_<label>_<random>`) and returns that name. */
  async createDatabase(label: string): Promise<string> {
    const name = `roster_bench_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${randomBytes(4).toString('hex')}`;
    await this.query(`create database ${name}`);
    return name;
  }

  /** Drops a database, ending any connection still open to it (a Roster killed a moment ago may leave one). */
  async dropDatabase(name: string): Promise<void> {
    await this.query(dropStatement(name));
  }

  /**
   * The same, synchronously, for the clean-up that runs in a process 'exit' handler, where no promise settles: a
   * short child process with `pg` does it.
   */
  dropDatabaseNow(name: string): void {
    const script = `const pg = require('pg'); const c = new pg.Client({ connectionString: process.env.URL });
      c.connect().then(() => c.query(process.env.SQL)).finally(() => c.end());`;
    spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, URL: this.adminUrl, SQL: dropStatement(name) }, timeout: 15_000, stdio: 'ignore' });
  }

  private async query<T>(text: string, values?: unknown[]): Promise<T[]> {
    return this.withClient(async (client) => (await client.query(text, values)).rows as T[]);
  }

  /** A connection of its own for each operation: the benchmark needs the server only now and then. */
  private async withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.adminUrl, application_name: 'roster-bench' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}

/** Names come from createDatabase (lower-case letters, digits, underscores): no quoting needed. */
const dropStatement = (name: string) => `drop database if exists ${name} with (force)`;
