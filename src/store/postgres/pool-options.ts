/** How a PostgreSQL connection pool is sized and timed; every field has an environment variable in `roster serve`. */
export interface PoolOptions {
  /** Most connections one instance opens (several instances share the server's `max_connections`). */
  max: number;
  /** How long a request waits for a free connection before failing, in ms. */
  connectionTimeoutMillis: number;
  /** An idle connection is closed after this long, in ms. */
  idleTimeoutMillis: number;
  /** The server cancels a statement that runs longer than this, in ms (0: never). */
  statementTimeoutMillis: number;
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = {
  max: 10,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  statementTimeoutMillis: 30_000,
};
