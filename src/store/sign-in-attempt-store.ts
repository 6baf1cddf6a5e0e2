import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

/** The tables whose rows sign in with a password, each with `failed_attempts` and `locked_until`. */
export type PasswordTable = 'admins' | 'accounts';

/**
 * Wrong passwords in a row, and the lock they earned, for operators (`admins`) and built-in accounts (`accounts`). The
 * table is a parameter, which Kysely's typed builder cannot take without a cast per column: hence plain statements.
 */
export class SignInAttemptStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly table: PasswordTable,
  ) {}

  /** Counts one more wrong password, atomically, and returns the count. */
  async countFailure(id: string): Promise<number> {
    const row = await sql<{ failed_attempts: number }>`update ${sql.table(this.table)} set failed_attempts = failed_attempts + 1 where id = ${id} returning failed_attempts`.execute(this.db);
    return Number(row.rows[0]?.failed_attempts ?? 0);
  }

  async lockUntil(id: string, until: string): Promise<void> {
    await sql`update ${sql.table(this.table)} set locked_until = ${until} where id = ${id}`.execute(this.db);
  }

  /** A right password: the count starts again. */
  async reset(id: string): Promise<void> {
    await sql`update ${sql.table(this.table)} set failed_attempts = 0, locked_until = null where id = ${id}`.execute(this.db);
  }
}
