// The scale run's second half: the hot operations on a directory of 10,000 users and on one of 1,000,000, each
// filled in bulk (bulk-users.ts) so that both are built the same way. An operation whose cost stays flat runs at
// about the same rate on both.
import { BULK_USER_PREFIX, bulkSeedUsers } from './bulk-users.ts';
import type { DialectResults, Row, SizeResults } from './report.ts';
import { type Backend, fmt, launchRoster, log, measured, relaunchRoster, type RunningRoster, shutDown } from './roster-under-test.ts';
import { timedRow } from './rows.ts';
import * as scenario from './scenarios.ts';
import { type Config, DEADLINE_S, SIZE, TARGET } from './settings.ts';

/**
 * Users the load generator picks from: enough that the reads touch pages all over a 1M-user table (not a hot few),
 * few enough that the benchmark process holds them easily; the adds of scenario 5 draw on them too.
 */
const SAMPLE_SIZE = SIZE.flatSizes[0]! * 5;

export async function measureDirectorySizes(config: Config, backend: Backend, results: DialectResults): Promise<void> {
  for (const users of SIZE.flatSizes) results.sizes.push(await measureAtSize(config, backend, users));
  addFlatnessChecks(results.sizes);
}

async function measureAtSize(config: Config, backend: Backend, users: number): Promise<SizeResults> {
  const first = await launchRoster(backend, `size-${users}`);
  let roster: RunningRoster = first;
  const rows: Row[] = [];
  try {
    // User 0 goes through the API: the seeder checks its rows against it before writing any.
    const apiUser = await scenario.seedUsers(first.target, 'user 0', BULK_USER_PREFIX, 1, { deadlineSeconds: 60 });
    if (apiUser.ids.length !== 1) throw new Error(`POST /Users failed: ${first.server.recentOutput()}`);
    await shutDown(first);
    log(`filling the directory to ${fmt(users)} users in bulk, Roster stopped`);
    const seeded = await bulkSeedUsers({
      database: first.database,
      directoryId: first.directoryId,
      apiUserId: apiUser.ids[0]!,
      total: users,
      sampleSize: SAMPLE_SIZE,
      deadlineSeconds: DEADLINE_S.bulkSeed,
    });
    const s = seeded.figures;
    log(`${fmt(s.users)} users in ${s.insertSeconds} s, ${s.analyzeStatement} ${s.analyzeSeconds} s, benchmark peak RSS ${s.benchPeakRssMb} MB`);
    roster = await relaunchRoster(backend, first);
    await measureHotOperations(config, roster, seeded.sample, rows);
    return { users, seeding: s, rows, ...(await stop(roster, backend)) };
  } catch (error) {
    await stop(roster, backend);
    throw error;
  }
}

async function stop(roster: RunningRoster, backend: Backend): Promise<{ lifetimePeakMb?: number }> {
  const lifetimePeakMb = await shutDown(roster);
  await backend.databases.dispose(roster.database);
  return lifetimePeakMb === undefined ? {} : { lifetimePeakMb };
}

/** Scenarios 1 to 5a of the steady state, on this directory, numbered alike so that the report can pair them. */
async function measureHotOperations(config: Config, roster: RunningRoster, sample: { ids: string[]; userNames: string[] }, rows: Row[]): Promise<void> {
  const { target } = roster;
  const run = { connections: SIZE.connections, durationSeconds: config.durationSeconds, warmupSeconds: config.warmupSeconds };
  const timed = (shape: scenario.LoadShape) => measured(roster, (begin) => scenario.timedLoad(target, run, shape, begin));

  log('2: get user by id');
  rows.push(timedRow('2', 'get user by id', await timed(scenario.getByIdLoad(target, sample.ids)), []));
  log('3: get user by filter=userName eq');
  rows.push(timedRow('3', 'filter userName eq', await timed(scenario.filterUserNameLoad(target, sample.userNames)), []));
  log('4: PATCH user');
  rows.push(timedRow('4', 'PATCH user (Replace displayName + active)', await timed(scenario.patchUserLoad(target, sample.ids)), []));
  log('1: create user');
  const createdIds: string[] = [];
  rows.push(timedRow('1', 'create user (POST /Users)', await timed(scenario.createUserLoad(target, createdIds)), []));

  const members = sample.ids.slice(0, SIZE.smallGroupMembers);
  const groups = await scenario.seedSmallGroups(target, 'small groups', SIZE.smallGroups, members, SIZE.syncLanes, { deadlineSeconds: DEADLINE_S.seedDirectory });
  const pool = [...sample.ids.slice(SIZE.smallGroupMembers), ...createdIds];
  log(`5a: add one member to ${fmt(groups.groupIds.length)} groups of ${SIZE.smallGroupMembers}`);
  const add = scenario.addMemberLoad(target, groups.groupIds, pool);
  rows.push(timedRow('5a', `add 1 member to a ${SIZE.smallGroupMembers}-member group`, await timed(add), []));
  rows.sort((a, b) => a.id.localeCompare(b.id));
}

/** The largest directory's rows are held to the smallest's rates: "the cost must stay flat". */
function addFlatnessChecks(sizes: SizeResults[]): void {
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  if (!smallest || !largest || smallest === largest) return;
  for (const row of largest.rows) {
    const reference = smallest.rows.find((r) => r.id === row.id);
    if (!reference || reference.figures.requestsPerSecond === 0) continue;
    const ratio = row.figures.requestsPerSecond / reference.figures.requestsPerSecond;
    row.checks.unshift({ label: `>= ${TARGET.flatRatio * 100}% of the ${fmt(smallest.users)}-user rate (${Math.round(ratio * 100)}%)`, pass: ratio >= TARGET.flatRatio });
  }
}
