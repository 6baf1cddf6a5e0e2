import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { purgeExpiredEvents } from '../store/event-retention.ts';

/** Events expire by the day: an hourly purge keeps each one short and the table within an hour of its retention. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface RetentionTimer {
  /** Stops the timer and waits for a purge under way, so the database can be closed after it. */
  stop(): Promise<void>;
}

/**
 * Purges expired events now and then every hour, in this process. Every instance may run it: the purge deletes only
 * what has expired, so two instances purging at once simply share the work. The timer does not keep the process
 * alive.
 */
export function startRetentionTimer(db: Kysely<Database>, retentionDays: number, log: FastifyBaseLogger): RetentionTimer {
  let running: Promise<void> | undefined;
  const purge = () => {
    // A purge that outlasts the interval (a first purge of a large backlog) is not started twice.
    running ??= purgeExpiredEvents(db, retentionDays)
      .then(
        (result) => {
          if (result.events > 0 || result.directories > 0) log.info(result, `removed events older than ${retentionDays} days`);
        },
        // A failed purge is tried again at the next hour; SCIM does not depend on it.
        (err) => log.error({ err }, 'purging expired events failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(purge, 0).unref();
  const every = setInterval(purge, PURGE_INTERVAL_MS).unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
