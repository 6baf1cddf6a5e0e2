import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Database, ProvisioningLogTable } from './database.ts';
import { parameters, PreparedQuery } from './prepared-query.ts';

export type ProvisioningLogEntry = Omit<Insertable<ProvisioningLogTable>, 'id'>;
const LOG_COLUMNS = ['directory_id', 'at', 'request_id', 'method', 'path', 'status', 'resource_type', 'resource_id', 'label', 'duration_ms', 'error'] as const;

export type ProvisioningLogRow = Selectable<ProvisioningLogTable>;

/** A page of one directory's log for the portal, newest first. */
export interface LogPageQuery {
  directoryId: string;
  failedOnly?: boolean;
  /** The start of the label (the userName or displayName the request named), ignoring case, or a resource id. */
  subject?: string;
  since?: string;
  until?: string;
  /** Entries older than this id. */
  beforeId?: number;
  limit: number;
}

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
  private readonly insert: PreparedQuery<ProvisioningLogEntry, unknown>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void,
    private readonly flushMs = 200,
    private readonly maxBuffer = 500,
  ) {
    this.insert = new PreparedQuery((p) => db.insertInto('provisioning_log').values(parameters(LOG_COLUMNS, p)));
  }

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
      .then(() =>
        this.db.transaction().execute(async (trx) => {
          for (const entry of batch) await this.insert.execute(trx, entry);
        }),
      )
      .catch(this.onError);
    return this.flushing;
  }

  async query(query: LogQuery): Promise<ProvisioningLogRow[]> {
    await this.flush();
    let select = this.db.selectFrom('provisioning_log').selectAll();
    if (query.directoryId) select = select.where('directory_id', '=', query.directoryId);
    // A response that failed after its status line went out (a streamed group) keeps its 200 but records the error.
    if (query.failedOnly) select = select.where((eb) => eb.or([eb('status', '>=', 400), eb('error', 'is not', null)]));
    const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.reverse();
  }

  async page(query: LogPageQuery): Promise<ProvisioningLogRow[]> {
    await this.flush();
    let select = this.db.selectFrom('provisioning_log').selectAll().where('directory_id', '=', query.directoryId);
    if (query.failedOnly) select = select.where((eb) => eb.or([eb('status', '>=', 400), eb('error', 'is not', null)]));
    if (query.subject) {
      const pattern = `${query.subject.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      select = select.where((eb) => eb.or([sql<boolean>`lower(label) like ${pattern} escape '\\'`, eb('resource_id', '=', query.subject!)]));
    }
    if (query.since) select = select.where('at', '>=', query.since);
    if (query.until) select = select.where('at', '<', query.until);
    if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
    return select.orderBy('id', 'desc').limit(query.limit).execute();
  }
}
