/** How busy the database connections are, for /metrics. SQLite has one connection, PGlite too. */
export interface PoolStats {
  /** Connections open. */
  total: number;
  /** Open connections no query holds. */
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}
