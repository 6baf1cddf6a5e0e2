import { type ScimTarget, totalResultsOf } from './entra.ts';
import type { LoadFigures } from './load.ts';
import type { Check, DialectResults } from './report.ts';
import { type Backend, fmt, launchRoster, log, measured, shutDown } from './roster-under-test.ts';
import { all2xx, rssBelowLimit, statusNote } from './rows.ts';
import * as scenario from './scenarios.ts';
import { SIZE } from './settings.ts';

/** Scenario 7 or 8: an initial sync into a fresh server and an empty directory. */
export async function measureSync(backend: Backend, results: DialectResults, id: string, users: number, groups: number, deadlineSeconds: number, wallTarget?: number): Promise<void> {
  const roster = await launchRoster(backend, `sync-${users}`);
  try {
    log(`${id}: initial sync of ${fmt(users)} users and ${fmt(groups)} groups x ${SIZE.membersPerGroup} members at concurrency ${SIZE.syncLanes}`);
    const { result: sync, window } = await measured(roster, () =>
      scenario.initialSync(roster.target, users, groups, SIZE.membersPerGroup, SIZE.syncLanes, { deadlineSeconds }),
    );
    const figures = combinePhases(sync.userPhase, sync.groupPhase, sync.wallSeconds);
    const checks: Check[] = [];
    if (wallTarget !== undefined) checks.push({ label: `wall <= ${wallTarget} s`, pass: sync.completed && sync.wallSeconds <= wallTarget });
    checks.push(all2xx(figures), rssBelowLimit(window.peakRssMb));
    const phase = (label: string, f: LoadFigures) =>
      `${label}: ${fmt(f.requests)} requests in ${f.seconds} s (${fmt(f.requestsPerSecond)} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${f.non2xx} non-2xx)`;
    const notes = [
      phase('users phase (GET filter userName eq + POST /Users)', sync.userPhase),
      phase(`groups phase (GET filter displayName eq + POST /Groups + PATCH Add ${SIZE.membersPerGroup} members)`, sync.groupPhase),
      ...statusNote(figures),
    ];
    if (sync.unexpectedMatches > 0) notes.push(`${sync.unexpectedMatches} lookups found an object in what should be an empty directory`);
    if (sync.usersNotCreated > 0) notes.push(`${sync.usersNotCreated} users were not created`);
    notes.push(await verifySync(roster.target, users, groups));
    results.rows.push({
      id,
      scenario: `initial sync: ${fmt(users)} users + ${fmt(groups)} groups x ${SIZE.membersPerGroup}`,
      concurrency: SIZE.syncLanes,
      figures,
      wallSeconds: sync.wallSeconds,
      window,
      checks,
      notes,
    });
    log(`${id}: ${sync.wallSeconds} s, peak RSS ${window.peakRssMb} MB`);
  } finally {
    await shutDown(roster);
    await backend.databases.dispose(roster.database);
  }
}

/** Both phases of a sync as one line: counts add up; percentiles of two distributions do not, so they stay per phase. */
function combinePhases(a: LoadFigures, b: LoadFigures, wallSeconds: number): LoadFigures {
  const statusCodes: Record<string, number> = { ...a.statusCodes };
  for (const [code, count] of Object.entries(b.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  const requests = a.requests + b.requests;
  return {
    requests,
    seconds: wallSeconds,
    requestsPerSecond: wallSeconds > 0 ? Math.round(requests / wallSeconds) : 0,
    p50Ms: Number.NaN,
    p99Ms: Math.max(a.p99Ms, b.p99Ms),
    errors: a.errors + b.errors,
    non2xx: a.non2xx + b.non2xx,
    statusCodes,
    stoppedAtDeadline: a.stoppedAtDeadline || b.stoppedAtDeadline,
  };
}

/** Reads back what the sync produced: the counts, and one group's members. */
async function verifySync(target: ScimTarget, users: number, groups: number): Promise<string> {
  const userCount = totalResultsOf((await scenario.getJson(target, '/Users?count=0')).body);
  const groupCount = totalResultsOf((await scenario.getJson(target, '/Groups?count=0')).body);
  const sample = await scenario.getJson(target, `/Groups?filter=${encodeURIComponent('displayName eq "Sync Group 0"')}`);
  let members: number | undefined;
  try {
    members = (JSON.parse(sample.body) as { Resources?: Array<{ members?: unknown[] }> }).Resources?.[0]?.members?.length;
  } catch {
    members = undefined;
  }
  const ok = userCount === users && groupCount === groups && members === SIZE.membersPerGroup;
  return `read back: ${userCount ?? '?'} users, ${groupCount ?? '?'} groups, "Sync Group 0" has ${members ?? '?'} members${ok ? ' (as sent)' : ' (NOT as sent)'}`;
}
