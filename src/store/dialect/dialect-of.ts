import { type Kysely, PostgresAdapter } from 'kysely';
import type { DialectName } from '../connect.ts';

/** Which database a Kysely instance (or transaction) talks to, for the few statements spelled per dialect. */
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
