import { CompiledQuery, type Kysely } from 'kysely';

interface Pending {
  work: (trx: Kysely<any>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const SAVEPOINT = CompiledQuery.raw('savepoint roster_write');
const RELEASE = CompiledQuery.raw('release roster_write');
const ROLLBACK_TO = CompiledQuery.raw('rollback to roster_write');

/** Large enough to share a commit among an IdP's parallel requests, small enough to keep each one's wait short. */
const MAX_BATCH = 64;

/**
 * Group commit for SQLite. SQLite has one writer, and a commit (writing the changed pages to the WAL) costs more than
 * the inserts before it: three inserts cost 128 µs in a transaction of their own and 58 µs when ten such writes share
 * one. Writes that arrive in the same turn of the event loop are therefore run together, at the next turn, in one
 * transaction, each inside its own savepoint: a write that fails rolls back to its savepoint and fails alone. Every
 * write is answered only after the transaction holding it has committed, so nothing is acknowledged before it is
 * durable.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<any>) {}

  run<T>(work: (trx: Kysely<any>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // better-sqlite3 never yields to I/O inside a transaction, so requests read in this turn of the event loop
        // would otherwise each get a transaction of their own: wait for the turn to end.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      await this.commitQueued();
    } finally {
      // Whatever happened, the next write must be able to start a new round.
      this.scheduled = false;
      if (this.queue.length > 0) {
        this.scheduled = true;
        setImmediate(() => void this.drain());
      }
    }
  }

  private async commitQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      if (batch.length === 1) {
        const [only] = batch;
        await this.db.transaction().execute(only!.work).then(only!.resolve, only!.reject);
        continue;
      }
      const outcomes: Array<{ value: unknown } | { error: unknown }> = [];
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const pending of batch) {
            await trx.executeQuery(SAVEPOINT);
            try {
              outcomes.push({ value: await pending.work(trx) });
            } catch (error) {
              await trx.executeQuery(ROLLBACK_TO);
              outcomes.push({ error });
            }
            await trx.executeQuery(RELEASE);
          }
        });
      } catch (error) {
        // The transaction itself failed (the commit, the disk): none of the batch is stored.
        batch.forEach((pending) => pending.reject(error));
        continue;
      }
      batch.forEach((pending, i) => {
        const outcome = outcomes[i]!;
        if ('error' in outcome) pending.reject(outcome.error);
        else pending.resolve(outcome.value);
      });
    }
  }
}
