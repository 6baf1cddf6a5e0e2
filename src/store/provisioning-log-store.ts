import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, ProvisioningLogTable } from './database.ts';

export type ProvisioningLogEntry = Omit<Insertable<ProvisioningLogTable>, 'id'>;
export type ProvisioningLogRow = Selectable<ProvisioningLogTable>;

export interface LogQuery {
  directoryId?: string;
  failedOnly?: boolean;
  limit: number;
}

/**
 * The provisioning log: one row per SCIM request. Entries are buffered and written in batches, off the request
 * path, so logging does not halve write throughput; a crash can lose at most the last `flushMs` of log entries —
 * never resource data, which is committed before the response is sent.
 */
export class ProvisioningLogStore {
  private buffer: ProvisioningLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void,
    private readonly flushMs = 200,
    private readonly maxBuffer = 500,
  ) {}

  append(entry: ProvisioningLogEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= this.maxBuffer) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes what is buffered; resolves when every entry appended so far is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing
      .then(async () => {
        for (let i = 0; i < batch.length; i += 200) {
          await this.db.insertInto('provisioning_log').values(batch.slice(i, i + 200)).execute();
        }
      })
      .catch(this.onError);
    return this.flushing;
  }

  async query(query: LogQuery): Promise<ProvisioningLogRow[]> {
    await this.flush();
    let select = this.db.selectFrom('provisioning_log').selectAll();
    if (query.directoryId) select = select.where('directory_id', '=', query.directoryId);
    if (query.failedOnly) select = select.where('status', '>=', 400);
    const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.reverse();
  }
}
