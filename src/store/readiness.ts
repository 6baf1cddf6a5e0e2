import { DEFAULT_MIGRATION_TABLE, type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';
import { migrations } from './migrations/index.ts';

/** `reason` is short and safe to show anyone; `cause`, when there is one, is the error behind it, for the log. */
export type Readiness = { ready: true } | { ready: false; reason: string; cause?: Error };

/** The table Kysely's migrator records each applied migration in (`connect` keeps its default name). */
type MigrationTable = Record<typeof DEFAULT_MIGRATION_TABLE, { name: string }>;

const UNREACHABLE = 'database unreachable';

/**
 * Whether this database can serve requests: it answers a query, and every migration this code ships is recorded as
 * applied (another instance or an older binary may have left the schema behind). Gives up after `timeoutMs`,
 * because a pool waiting for an unreachable server would otherwise keep a readiness probe open indefinitely.
 */
export async function checkReadiness(db: Kysely<Database>, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: UNREACHABLE, cause: new Error(`no answer within ${timeoutMs} ms`) }), timeoutMs);
  });
  try {
    return await Promise.race([check(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(db: Kysely<Database>): Promise<Readiness> {
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    return { ready: false, reason: UNREACHABLE, cause: error as Error };
  }
  let applied: Set<string>;
  try {
    const rows = await db.withTables<MigrationTable>().selectFrom(DEFAULT_MIGRATION_TABLE).select('name').execute();
    applied = new Set(rows.map((row) => row.name));
  } catch (error) {
    return { ready: false, reason: `migrations pending: ${DEFAULT_MIGRATION_TABLE} cannot be read`, cause: error as Error };
  }
  const pending = Object.keys(await migrations.getMigrations()).filter((name) => !applied.has(name));
  return pending.length === 0 ? { ready: true } : { ready: false, reason: `migrations pending: ${pending.join(', ')}` };
}
