import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

export interface DirectoryStats {
  /** Requests per hour over the last 24 hours, oldest first; hours with none included. */
  requests: Array<{ hour: string; total: number; failed: number }>;
  /** Users at the end of each of the last 30 days, oldest first. */
  users: Array<{ day: string; count: number }>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The figures behind the portal's charts. Requests come from the provisioning log (one index range over a day of one
 * directory). Users over time are worked back from today's count and the change log's creates and deletes of each
 * day, so no snapshot table is needed; days older than the event retention show the oldest count known.
 */
export class DirectoryStatsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async stats(directoryId: string, userCount: number, now = new Date()): Promise<DirectoryStats> {
    const firstHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
    const hourOf = sql<string>`substr(at, 1, 13)`;
    const hours = await this.db
      .selectFrom('provisioning_log')
      .select([hourOf.as('hour'), (eb) => eb.fn.countAll<number>().as('total'), sql<number>`sum(case when status >= 400 or error is not null then 1 else 0 end)`.as('failed')])
      .where('directory_id', '=', directoryId)
      .where('at', '>=', new Date(firstHour).toISOString())
      .groupBy(hourOf)
      .execute();
    const byHour = new Map(hours.map((h) => [h.hour, h]));
    const requests = Array.from({ length: 24 }, (_, i) => {
      const hour = new Date(firstHour + i * HOUR_MS).toISOString();
      const found = byHour.get(hour.slice(0, 13));
      return { hour, total: Number(found?.total ?? 0), failed: Number(found?.failed ?? 0) };
    });

    const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    const firstDay = today - 29 * DAY_MS;
    const dayOf = sql<string>`substr(created_at, 1, 10)`;
    const changes = await this.db
      .selectFrom('changes')
      .select([dayOf.as('day'), 'type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('directory_id', '=', directoryId)
      .where('type', 'in', ['dsync.user.created', 'dsync.user.deleted'])
      .where('created_at', '>=', new Date(firstDay + DAY_MS).toISOString())
      .groupBy([dayOf, 'type'])
      .execute();
    // The net change of each day, applied backwards from today's count: the count at the end of day d is the count
    // at the end of day d+1 less what day d+1 added.
    const net = new Map<string, number>();
    for (const c of changes) net.set(c.day, (net.get(c.day) ?? 0) + (c.type === 'dsync.user.created' ? 1 : -1) * Number(c.n));
    const users: DirectoryStats['users'] = [];
    let count = userCount;
    for (let day = today; day >= firstDay; day -= DAY_MS) {
      const label = new Date(day).toISOString().slice(0, 10);
      users.push({ day: label, count: Math.max(0, count) });
      count -= net.get(label) ?? 0;
    }
    return { requests, users: users.reverse() };
  }

  /** When the directory's identity provider last sent a request, or null. */
  async lastRequestAt(directoryId: string): Promise<string | null> {
    const row = await this.db.selectFrom('provisioning_log').select('at').where('directory_id', '=', directoryId).orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row?.at ?? null;
  }
}
