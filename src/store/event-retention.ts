import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** Events deleted per statement: each is a short write, so SCIM writes are never held up behind a long purge. */
const PURGE_BATCH = 1000;

export const DEFAULT_RETENTION_DAYS = 30;

export interface PurgeResult {
  /** Events removed. */
  events: number;
  /** Deleted directories removed for good. */
  directories: number;
}

/**
 * Removes the events older than `retentionDays`, a batch at a time (through the `changes_created` index), then the
 * directories that were deleted before that and have no event left: their rows go for good, and whatever still
 * referred to them cascades. A reader whose cursor points before removed events simply goes on with those left.
 */
export async function purgeExpiredEvents(db: Kysely<Database>, retentionDays: number, now = new Date()): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  let events = 0;
  for (;;) {
    const result = await db
      .deleteFrom('changes')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(refTuple('directory_id', 'seq'), 'in', selectFrom('changes').select(['directory_id', 'seq']).where('created_at', '<', cutoff).limit(PURGE_BATCH).$asTuple('directory_id', 'seq')),
      )
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    events += deleted;
    if (deleted < PURGE_BATCH) break;
  }
  const gone = await db
    .deleteFrom('directories')
    .where('deleted_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('changes').select('seq').whereRef('changes.directory_id', '=', 'directories.id'))))
    .executeTakeFirst();
  return { events, directories: Number(gone.numDeletedRows) };
}
