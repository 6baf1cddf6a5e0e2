// Fills a directory with users straight through SQL, for the scale run's directory of 1,000,000 users: through the
// API that would take over an hour on this machine. The rows are those Roster itself writes for the same POST /Users
// (every promoted column computed by the store's own `userColumns`), and `checkAgainstApiUser` proves it on a user
// that did go through the API before any row is written.
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { ScimDocument } from '../../src/scim/resource/document.ts';
import { connect } from '../../src/store/connect.ts';
import type { Database } from '../../src/store/database.ts';
import { USER_COLUMNS, userColumns } from '../../src/store/resource-row.ts';
import { createUserBody } from './entra.ts';
import { round } from './load.ts';

/** Rows per INSERT: about 14,000 bound parameters, within both SQLite's (32,766) and PostgreSQL's (65,535) limits. */
const BATCH = 1_000;

/** The userName of seeded user n is `${BULK_USER_PREFIX}.${n}@contoso.example`, as scenarios.seedUsers names them. */
export const BULK_USER_PREFIX = 'bulk.user';
const seededUserName = (n: number) => `${BULK_USER_PREFIX}.${n}@contoso.example`;

/**
 * The document Roster stores for `createUserBody(userName, n)`: normalisation keeps the attributes in the order
 * sent and drops `schemas` and `meta` (recomputed on output) and the empty `roles`.
 */
function storedDoc(n: number): ScimDocument {
  const doc = JSON.parse(createUserBody(seededUserName(n), n)) as ScimDocument;
  delete doc.schemas;
  delete doc.meta;
  delete doc.roles;
  return doc;
}

/** The columns of seeded user n, but for its id and timestamps. */
function contentOf(n: number) {
  // A new Entra directory has no uniqueness rules on; checkAgainstApiUser would catch one that has.
  return { ...userColumns(storedDoc(n), { uniqueEmail: false, uniqueExternalId: false }), version: 1 };
}

/** Columns that differ between any two users however they were created. */
const IDENTITY_COLUMNS = new Set(['id', 'created_at', 'last_modified']);

/**
 * Compares user `n` as the API stored it with the row the bulk seeder would write for it, column by column: a
 * difference means the seeded directory would not be the one the API builds, and the run stops.
 */
async function checkAgainstApiUser(db: Kysely<Database>, apiUserId: string, n: number): Promise<void> {
  const stored = await db.selectFrom('users').selectAll().where('id', '=', apiUserId).executeTakeFirstOrThrow();
  const expected: Record<string, unknown> = { ...contentOf(n), directory_id: stored.directory_id };
  const differences = USER_COLUMNS.filter((c) => !IDENTITY_COLUMNS.has(c) && String(stored[c]) !== String(expected[c]));
  if (differences.length > 0) {
    const detail = differences.map((c) => `${c}: API ${JSON.stringify(stored[c])}, seeder ${JSON.stringify(expected[c])}`).join('; ');
    throw new Error(`the bulk seeder's rows differ from the API's: ${detail}`);
  }
}

export interface BulkSeedFigures {
  users: number;
  /** Inserting the rows, in batches of 1,000 with the directory's user count. */
  insertSeconds: number;
  /** ANALYZE (SQLite) or VACUUM (ANALYZE) (PostgreSQL) afterwards. */
  analyzeSeconds: number;
  analyzeStatement: string;
  /** Peak RSS of the benchmark process while it seeded: the batches are streamed, not held. */
  benchPeakRssMb: number;
  completed: boolean;
}

export interface BulkSeeded {
  figures: BulkSeedFigures;
  /** An evenly spread sample of the users (all of them if fewer than asked), for the load generator to pick from. */
  sample: { ids: string[]; userNames: string[] };
}

export interface BulkSeedRequest {
  /** What `roster serve --database` was given; the server must be stopped (see below). */
  database: string;
  directoryId: string;
  /** User 0, created through the API as `${BULK_USER_PREFIX}.0@contoso.example`, against which the seeder is checked. */
  apiUserId: string;
  /** Users the directory should hold in the end, user 0 included. */
  total: number;
  sampleSize: number;
  deadlineSeconds: number;
}

/**
 * Adds users 1 … total-1 to a directory that holds user 0, then has the database gather planner statistics as an
 * operator would after a bulk load. Run it with Roster stopped: a SQLite connection reads sqlite_stat1 only when it
 * opens, and a restarted server starts from a clean heap for the memory figures.
 *
 * Each batch commits with its `user_count` increment, so the counters match the rows whatever happens. No change-log
 * rows are written: nothing reads them on the measured paths, and `change_seq` is left alone so that the log stays
 * gap-free.
 */
export async function bulkSeedUsers(request: BulkSeedRequest): Promise<BulkSeeded> {
  const connection = await connect(request.database, { pool: { max: 1 } });
  const { db } = connection;
  const started = performance.now();
  const deadline = started + request.deadlineSeconds * 1000;
  const stride = Math.max(1, Math.floor(request.total / request.sampleSize));
  const sample = { ids: [request.apiUserId], userNames: [seededUserName(0)] };
  let benchPeakRssMb = process.memoryUsage.rss() / 2 ** 20;
  let inserted = 1;
  try {
    await checkAgainstApiUser(db, request.apiUserId, 0);
    // One millisecond apart and all in the past, so that users created later through the API sort after them.
    const firstCreated = Date.now() - request.total;
    const rowsOf = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => {
        const n = from + i;
        const id = randomUUID();
        if (n % stride === 0) {
          sample.ids.push(id);
          sample.userNames.push(seededUserName(n));
        }
        const at = new Date(firstCreated + n).toISOString();
        return { ...contentOf(n), id, directory_id: request.directoryId, created_at: at, last_modified: at };
      });
    // The next batch is built while the previous one is written: at most two batches exist at a time.
    let writing: Promise<void> | undefined;
    for (let from = 1; from < request.total && performance.now() < deadline; from += BATCH) {
      const rows = rowsOf(from, Math.min(request.total, from + BATCH));
      await writing;
      benchPeakRssMb = Math.max(benchPeakRssMb, process.memoryUsage.rss() / 2 ** 20);
      writing = db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('users').values(rows).execute();
          await trx.updateTable('directories').set((eb) => ({ user_count: eb('user_count', '+', rows.length) })).where('id', '=', request.directoryId).execute();
        })
        .then(() => {
          inserted += rows.length;
        });
    }
    await writing;
    const insertSeconds = (performance.now() - started) / 1000;
    const analyzeStatement = connection.dialect === 'postgres' ? 'VACUUM (ANALYZE)' : 'ANALYZE';
    const analyzeStarted = performance.now();
    await sql.raw(analyzeStatement).execute(db);
    return {
      figures: {
        users: inserted,
        insertSeconds: round(insertSeconds, 1),
        analyzeSeconds: round((performance.now() - analyzeStarted) / 1000, 1),
        analyzeStatement,
        benchPeakRssMb: Math.round(benchPeakRssMb),
        completed: inserted === request.total,
      },
      sample,
    };
  } finally {
    await connection.close();
  }
}
