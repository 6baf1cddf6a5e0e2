import { readFileSync } from 'node:fs';
import { readCpuSeconds } from './sampler.ts';

/** PostgreSQL's own background processes: they work for every database, so for this benchmark's too. */
const SHARED_WORKER = /^postgres: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|archiver|startup|stats collector)/;

/**
 * CPU used by a local PostgreSQL server on behalf of one database. The server is a process per connection plus
 * background workers: this counts the main process, the background workers, and the backends and autovacuum
 * workers of `database` — not the backends of other clients (a test suite sharing the server). Processes come and
 * go (the pool opens and closes connections), so each `sample()` adds what every live one used since the last.
 */
export class PostgresCpu {
  private readonly lastSeen = new Map<number, number>();
  private totalSeconds = 0;

  constructor(
    private readonly postmasterPid: number,
    private readonly database: string,
  ) {}

  /** CPU seconds counted so far (call after `sample()`). */
  get seconds(): number {
    return this.totalSeconds;
  }

  sample(): void {
    const alive = new Set<number>();
    for (const pid of [this.postmasterPid, ...this.children()]) {
      if (pid !== this.postmasterPid && !this.servesDatabase(pid)) continue;
      const cpu = readCpuSeconds(pid);
      if (cpu === undefined) continue;
      alive.add(pid);
      // A process first seen now started after the last sample (or this is the first one): count from here.
      const last = this.lastSeen.get(pid) ?? cpu;
      this.totalSeconds += cpu - last;
      this.lastSeen.set(pid, cpu);
    }
    for (const pid of this.lastSeen.keys()) if (!alive.has(pid)) this.lastSeen.delete(pid);
  }

  private children(): number[] {
    try {
      return readFileSync(`/proc/${this.postmasterPid}/task/${this.postmasterPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** A backend's title is `postgres: USER DATABASE HOST(PORT) STATE`; an autovacuum worker's names its database too. */
  private servesDatabase(pid: number): boolean {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      return SHARED_WORKER.test(title) || title.split(/\s+/).includes(this.database);
    } catch {
      return false;
    }
  }
}
