import type { Dialect } from './fresh-databases.ts';

/** How this run was asked for: on the command line (`npm run bench -- …`) or through BENCH_* variables. */
export interface Config {
  durationSeconds: number;
  warmupSeconds: number;
  /** The 100k-user sync and the hot operations on directories of 10k and 1M users. */
  scale: boolean;
  /** Only those (`--scale-only`), so that a long run of both dialects can be split in two. */
  scaleOnly: boolean;
  /** Only the webhook scenario (`--webhooks`): create user without and with a webhook endpoint, then the drain. */
  webhooksOnly: boolean;
  /** Keep the temporary directory (SQLite files) and the PostgreSQL databases for a look afterwards. */
  keep: boolean;
  /** Run one after the other, in this order, and reported side by side. */
  dialects: Dialect[];
  /** The PostgreSQL server's URL (a maintenance database such as /postgres), when a dialect needs it. */
  postgresUrl?: string;
}

/** The targets for this 2-core machine. */
export const TARGET = {
  writeRps: 5_000,
  readRps: 15_000,
  syncSeconds: 5,
  /** "About the same": adding to the 100k-member group runs at least at this fraction of the 10-member group's rate. */
  memberAddRatio: 0.8,
  /** "The cost must stay flat": an operation on 1M users runs at least at this fraction of its rate on 10k. */
  flatRatio: 0.8,
  /** "Within 10%": create user's p50 and p99 with a webhook endpoint at most this multiple of those without. */
  webhookLatencyRatio: 1.1,
  /**
   * The offered rate of scenarios 9c/9d, in creates per second: a quarter of what one core sustains, and many times
   * what one Entra provisioning job sends, so the server has CPU to spare, as it does in production.
   */
  webhookOfferedRate: 500,
};

/** BENCH_SMALL=1 shrinks every count tenfold: a quick check of the benchmark itself, not figures to compare. */
export const SMALL = process.env.BENCH_SMALL === '1';
const scaled = (n: number) => (SMALL ? n / 10 : n);

export const SIZE = {
  connections: 32,
  syncLanes: 8,
  directoryUsers: scaled(10_000),
  bigGroupMembers: scaled(100_000),
  smallGroupMembers: 10,
  smallGroups: scaled(1_000),
  syncUsers: scaled(10_000),
  syncGroups: scaled(100),
  scaleUsers: scaled(100_000),
  scaleGroups: scaled(1_000),
  membersPerGroup: 100,
  /** The directory sizes whose hot operations the scale run compares. */
  flatSizes: [scaled(10_000), scaled(1_000_000)],
};

/** Upper bounds, so that a stuck or very slow server ends the run instead of hanging it. */
export const DEADLINE_S = {
  seedDirectory: 300,
  seedBigGroup: 900,
  sync: 300,
  scaleSync: 2_400,
  bulkSeed: 1_800,
  /** From the end of the webhook scenario's load until the receiver has every event. */
  webhookDrain: 300,
  /** Per dialect: a run of both dialects gets twice as long. */
  overall: 45 * 60,
  overallScale: 90 * 60,
};

const DIALECTS: Record<string, Dialect[]> = { sqlite: ['sqlite'], postgres: ['postgres'], both: ['sqlite', 'postgres'] };

/** The value after `--name` on the command line, unless that is the next option. */
function argumentOf(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? process.argv[at + 1] : undefined;
  return value === undefined || value.startsWith('--') ? undefined : value;
}

export function readConfig(): Config {
  const durationSeconds = Number(process.env.BENCH_DURATION ?? 10);
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0 || durationSeconds > 120) {
    throw new Error(`BENCH_DURATION must be a number of seconds from 1 to 120, not ${process.env.BENCH_DURATION}`);
  }
  // `--postgres` alone picks PostgreSQL; `--dialect both` runs SQLite and then PostgreSQL.
  const postgresFlag = process.argv.includes('--postgres');
  const dialectName = argumentOf('--dialect') ?? process.env.BENCH_DIALECT ?? (postgresFlag ? 'postgres' : 'sqlite');
  const dialects = DIALECTS[dialectName];
  if (!dialects) throw new Error(`--dialect must be one of ${Object.keys(DIALECTS).join(', ')}, not ${dialectName}`);
  const postgresUrl = argumentOf('--postgres') ?? process.env.BENCH_POSTGRES_URL ?? process.env.ROSTER_TEST_POSTGRES_URL;
  if (dialects.includes('postgres') && !postgresUrl) {
    throw new Error('PostgreSQL needs a server: --postgres postgres://USER@HOST:PORT/postgres, or BENCH_POSTGRES_URL');
  }
  return {
    durationSeconds,
    // A few seconds let V8 compile the hot paths and the database fill its cache before anything is counted.
    warmupSeconds: Math.min(2, durationSeconds / 5),
    scale: process.env.BENCH_SCALE === '1' || process.argv.includes('--scale') || process.argv.includes('--scale-only'),
    scaleOnly: process.argv.includes('--scale-only'),
    webhooksOnly: process.argv.includes('--webhooks'),
    keep: process.env.BENCH_KEEP === '1',
    dialects,
    ...(postgresUrl && dialects.includes('postgres') ? { postgresUrl } : {}),
  };
}
