import { existsSync } from 'node:fs';
import { totalResultsOf } from './entra.ts';
import type { LoadFigures } from './load.ts';
import type { DialectResults } from './report.ts';
import { type Backend, delay, fmt, launchRoster, log, measured, type RunningRoster, SETTLE_MS, shutDown } from './roster-under-test.ts';
import { atLeastRps, timedRow } from './rows.ts';
import * as scenario from './scenarios.ts';
import { type Config, DEADLINE_S, SIZE, TARGET } from './settings.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Scenarios 1 to 6, on one server whose directory grows through the API from 10k users to 110k+ and a 100k-member group. */
export async function measureSteadyState(config: Config, backend: Backend, results: DialectResults, baselineRps: number | undefined): Promise<void> {
  const roster = await launchRoster(backend, 'steady');
  const { target } = roster;
  const run = { connections: SIZE.connections, durationSeconds: config.durationSeconds, warmupSeconds: config.warmupSeconds };
  const vsBaseline = (figures: LoadFigures) => (baselineRps ? { vsBaseline: figures.requestsPerSecond / baselineRps } : {});
  try {
    log(`seeding ${fmt(SIZE.directoryUsers)} users (POST /Users, c=64)`);
    const seeded = await measured(roster, () =>
      scenario.seedUsers(target, `seed ${fmt(SIZE.directoryUsers)} users (POST, c=64)`, 'dir.user', SIZE.directoryUsers, { deadlineSeconds: DEADLINE_S.seedDirectory }),
    );
    results.seeding.push({ step: seeded.result.step, window: seeded.window });
    const directory = seeded.result;
    if (directory.ids.length < SIZE.smallGroupMembers + SIZE.connections) throw new Error(`seeding created only ${directory.ids.length} users: ${roster.server.recentOutput()}`);

    log('2: get user by id');
    const byId = await measured(roster, (begin) => scenario.timedLoad(target, run, scenario.getByIdLoad(target, directory.ids), begin));
    results.rows.push(timedRow('2', 'get user by id', byId, [atLeastRps(byId.result, TARGET.readRps)], vsBaseline(byId.result)));

    log('3: get user by filter=userName eq');
    const byName = await measured(roster, (begin) => scenario.timedLoad(target, run, scenario.filterUserNameLoad(target, directory.userNames), begin));
    results.rows.push(timedRow('3', `filter userName eq (among ${fmt(directory.ids.length)})`, byName, [atLeastRps(byName.result, TARGET.readRps)], vsBaseline(byName.result)));

    log('4: PATCH user (Replace displayName, active)');
    const patch = await measured(roster, (begin) => scenario.timedLoad(target, run, scenario.patchUserLoad(target, directory.ids), begin));
    results.rows.push(timedRow('4', 'PATCH user (Replace displayName + active)', patch, [atLeastRps(patch.result, TARGET.writeRps)]));

    log('1: create user');
    const createdIds: string[] = [];
    const create = await measured(roster, (begin) => scenario.timedLoad(target, run, scenario.createUserLoad(target, createdIds), begin));
    results.rows.push(timedRow('1', 'create user (POST /Users)', create, [atLeastRps(create.result, TARGET.writeRps)]));

    log(`seeding a ${fmt(SIZE.bigGroupMembers)}-member group: ${fmt(SIZE.bigGroupMembers)} more users, then PATCH Add in batches of 1,000`);
    const bigUsers = await measured(roster, () =>
      scenario.seedUsers(target, `seed ${fmt(SIZE.bigGroupMembers)} users (POST, c=64)`, 'big.user', SIZE.bigGroupMembers, { deadlineSeconds: DEADLINE_S.seedBigGroup }),
    );
    results.seeding.push({ step: bigUsers.result.step, window: bigUsers.window });
    const bigGroup = await measured(roster, () =>
      scenario.seedGroup(target, `fill 1 group with ${fmt(bigUsers.result.ids.length)} members (PATCH Add x1,000, c=4)`, 'Everyone', bigUsers.result.ids, {
        deadlineSeconds: DEADLINE_S.seedBigGroup,
      }),
    );
    results.seeding.push({ step: bigGroup.result.step, window: bigGroup.window });
    // Many small groups, taken in turn, so that each stays near 10 members while thousands of adds go by.
    const smallMembers = directory.ids.slice(0, SIZE.smallGroupMembers);
    const smallGroups = await measured(roster, () =>
      scenario.seedSmallGroups(target, `create ${fmt(SIZE.smallGroups)} groups of ${SIZE.smallGroupMembers} (POST + PATCH Add, c=8)`, SIZE.smallGroups, smallMembers, SIZE.syncLanes, {
        deadlineSeconds: DEADLINE_S.seedDirectory,
      }),
    );
    results.seeding.push({ step: smallGroups.result.step, window: smallGroups.window });

    // Users in none of these groups: the 10k directory users but the small groups' 10, then those created in scenario 1.
    const pool = [...directory.ids.slice(SIZE.smallGroupMembers), ...createdIds];
    log(`5: add one member, to ${SIZE.smallGroupMembers}-member groups and to the ${fmt(SIZE.bigGroupMembers)}-member group (pool of ${fmt(pool.length)} users each)`);
    const addSmall = scenario.addMemberLoad(target, smallGroups.result.groupIds, pool);
    const small = await measured(roster, (begin) => scenario.timedLoad(target, run, addSmall, begin));
    const addBig = scenario.addMemberLoad(target, [bigGroup.result.groupId], pool);
    const big = await measured(roster, (begin) => scenario.timedLoad(target, run, addBig, begin));
    const ratio = small.result.requestsPerSecond > 0 ? big.result.requestsPerSecond / small.result.requestsPerSecond : 0;
    const smallGrowth = Math.ceil((pool.length - (addSmall.remaining?.() ?? 0)) / Math.max(1, smallGroups.result.groupIds.length));
    const bigFinal = bigUsers.result.ids.length + pool.length - (addBig.remaining?.() ?? 0);
    results.rows.push(
      timedRow('5a', `add 1 member to a ${SIZE.smallGroupMembers}-member group`, small, [], {
        notes: [`requests go round ${fmt(smallGroups.result.groupIds.length)} such groups; each gains at most ${smallGrowth} members over the run (warm-up included)`],
      }),
    );
    results.rows.push(
      timedRow('5b', `add 1 member to a ${fmt(SIZE.bigGroupMembers)}-member group`, big, [
        { label: `>= ${TARGET.memberAddRatio * 100}% of 5a's req/s (${Math.round(ratio * 100)}%)`, pass: ratio >= TARGET.memberAddRatio },
      ], { notes: [`the group ends the run with ${fmt(bigFinal)} members (warm-up included)`] }),
    );
    for (const [row, add] of [['5a', addSmall], ['5b', addBig]] as const) {
      if ((add.remaining?.() ?? 1) <= 0) results.rows.find((r) => r.id === row)!.notes.push('ran out of users to add before the time was up (rate over the requests sent)');
    }

    const total = totalResultsOf((await scenario.getJson(target, '/Users?count=0')).body) ?? directory.ids.length;
    log(`6: list a page of 100 users among ${fmt(total)}`);
    const list = await measured(roster, (begin) => scenario.timedLoad(target, run, scenario.listPageLoad(target, total), begin));
    results.rows.push(timedRow('6', `list page of 100 (random startIndex among ${fmt(total)})`, list, [], vsBaseline(list.result)));
    results.rows.sort((a, b) => a.id.localeCompare(b.id));

    await observeBigGroup(roster, bigGroup.result.groupId, results);
    if (backend.databases.dialect === 'sqlite') {
      results.observations.push(
        existsSync(`${roster.database}-wal`) ? 'SQLite ran in WAL mode (the -wal file exists beside the database).' : 'No -wal file beside the database: WAL mode was not on.',
      );
    }
  } finally {
    const lifetime = await shutDown(roster);
    await backend.databases.dispose(roster.database);
    results.observations.push(`Steady-state server (scenarios 1-6 and the one-off GETs above): kernel peak RSS (VmHWM) over its whole life ${lifetime ?? '?'} MB.`);
  }
}

/** One-off reads of the 100k-member group: not scenarios, but the paths a customer would hit with it. */
async function observeBigGroup(roster: RunningRoster, groupId: string, results: DialectResults): Promise<void> {
  await delay(SETTLE_MS);
  const slim: number[] = [];
  for (let i = 0; i < 5; i++) slim.push((await scenario.getJson(roster.target, `/Groups/${groupId}?excludedAttributes=members`)).ms);
  results.observations.push(`GET the ${fmt(SIZE.bigGroupMembers)}-member group with excludedAttributes=members (Entra's read): median of 5 ${median(slim)} ms.`);
  const full = await measured(roster, () => scenario.getJson(roster.target, `/Groups/${groupId}`));
  const members = (() => {
    try {
      return (JSON.parse(full.result.body) as { members?: unknown[] }).members?.length;
    } catch {
      return undefined;
    }
  })();
  results.observations.push(
    `GET the same group with its members: ${full.result.status}, ${members ?? '?'} members, ${fmt(full.result.body.length / 1024)} KB in ${full.result.ms} ms, server RSS peak ${full.window.peakRssMb} MB.`,
  );
}
