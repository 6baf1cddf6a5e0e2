import type BetterSqlite3 from 'better-sqlite3';

/**
 * Kysely's SQLite driver prepares every statement anew, which costs more than running most of ours. This wraps the
 * connection so that `prepare` reuses a statement for SQL text it has seen (bounded, least recently used out), while
 * everything else passes straight through.
 */
export function withStatementCache(database: BetterSqlite3.Database, size = 1000): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (source: string): BetterSqlite3.Statement => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = database.prepare(source);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  };
  return new Proxy(database, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
