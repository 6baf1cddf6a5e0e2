import type autocannon from 'autocannon';
import { addMembersBody, createGroupBody, createUserBody, eqFilter, idOf, replaceUserBody, type ScimTarget, totalResultsOf } from './entra.ts';
import { type LoadFigures, round, runLanes, runLoad, splitIntoLanes } from './load.ts';

/** One measured load on a steady state: a fixed request mix for a fixed time. */
export interface TimedRun {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** An offered rate in requests per second; none: as fast as the server answers. */
  overallRate?: number;
}

/** How long a bulk step (seeding, sync) may take at most before it is stopped and reported as incomplete. */
export interface Bounds {
  deadlineSeconds: number;
}

/** A bulk step that is not itself a scenario, timed because its speed matters too (e.g. seeding 100k users). */
export interface StepFigures {
  name: string;
  items: number;
  figures: LoadFigures;
  itemsPerSecond: number;
}

const SEED_CONNECTIONS = 64;
const MEMBER_BATCH = 1000;
const MEMBER_BATCH_CONNECTIONS = 4;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * What a timed scenario sends. Reads use `setupClient`: every connection gets its own prebuilt sequence of requests,
 * so the load generator only cycles through ready buffers; with a per-request `setupRequest` autocannon rebuilds
 * each request, which on this 2-core machine costs as much CPU as a bare node:http server spends answering it.
 * Writes need a fresh body per request (a new userName, the next member) and use `setupRequest`.
 */
export interface LoadShape {
  requests?: autocannon.Request[];
  setupClient?: (client: autocannon.Client) => void;
  /** Requests left before the shape runs out of fresh input (e.g. users to add): the run stops there. */
  remaining?: () => number;
}

/** Prebuilt requests per connection: enough distinct ones that a connection rarely repeats a request within a run. */
const PREBUILT_PER_CONNECTION = 2_000;

function prebuilt(makeRequest: () => autocannon.Request): LoadShape {
  return { setupClient: (client) => client.setRequests(Array.from({ length: PREBUILT_PER_CONNECTION }, makeRequest)) };
}

/**
 * Runs a load shape for a short unmeasured warm-up (JIT, SQLite page cache), then calls `beginMeasuring` and runs it
 * for the measured duration. Both runs share the shape, so any cursor it keeps (e.g. "next user to add") carries on.
 */
export async function timedLoad(target: ScimTarget, run: TimedRun, shape: LoadShape, beginMeasuring: () => void = () => {}): Promise<LoadFigures> {
  const { remaining, ...cannon } = shape;
  const common = { url: target.origin, headers: target.headers, connections: run.connections, ...(run.overallRate ? { overallRate: run.overallRate } : {}), ...cannon };
  const bounded = (seconds: number) => {
    const left = remaining?.();
    return { duration: seconds, deadlineSeconds: seconds + 60, ...(left === undefined ? {} : { maxOverallRequests: Math.max(run.connections, left) }) };
  };
  if (run.warmupSeconds > 0) await runLoad({ ...common, ...bounded(run.warmupSeconds) });
  beginMeasuring();
  return runLoad({ ...common, ...bounded(run.durationSeconds) });
}

export interface SeededUsers {
  ids: string[];
  userNames: string[];
  step: StepFigures;
}

/** POSTs `count` users at high concurrency, keeping each one's id, for the scenarios that need existing users. */
export async function seedUsers(target: ScimTarget, name: string, prefix: string, count: number, bounds: Bounds): Promise<SeededUsers> {
  const ids: string[] = [];
  const userNames: string[] = [];
  let next = 0;
  const figures = await runLoad({
    url: target.origin,
    headers: target.headers,
    connections: Math.min(SEED_CONNECTIONS, count),
    amount: count,
    deadlineSeconds: bounds.deadlineSeconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const n = next++;
          context.n = n;
          userNames[n] = `${prefix}.${n}@contoso.example`;
          request.path = `${target.base}/Users`;
          request.body = createUserBody(userNames[n]!, n);
          return request;
        },
        onResponse: (status, body, context) => {
          if (status === 201) ids[context.n as number] = idOf(body) ?? '';
        },
      },
    ],
  });
  // Keep only the users that were really created, names and ids side by side.
  const created = ids.flatMap((id, n) => (id ? [{ id, userName: userNames[n]! }] : []));
  return {
    ids: created.map((u) => u.id),
    userNames: created.map((u) => u.userName),
    step: step(name, created.length, figures),
  };
}

/** Creates a group (one POST) and fills it with PATCH "Add" requests of 1,000 members each. */
export async function seedGroup(target: ScimTarget, name: string, displayName: string, memberIds: readonly string[], bounds: Bounds): Promise<{ groupId: string; step: StepFigures }> {
  const groupId = await createGroup(target, displayName);
  const batches = Math.ceil(memberIds.length / MEMBER_BATCH);
  let next = 0;
  const figures = await runLoad({
    url: target.origin,
    headers: target.headers,
    connections: Math.min(MEMBER_BATCH_CONNECTIONS, batches),
    amount: batches,
    deadlineSeconds: bounds.deadlineSeconds,
    requests: [
      {
        method: 'PATCH',
        setupRequest: (request) => {
          const batch = next++;
          request.path = `${target.base}/Groups/${groupId}`;
          request.body = addMembersBody(memberIds.slice(batch * MEMBER_BATCH, (batch + 1) * MEMBER_BATCH));
          return request;
        },
      },
    ],
  });
  return { groupId, step: step(name, memberIds.length, figures) };
}

/**
 * Creates `count` groups that each hold `memberIds`, the way Entra creates a group: POST without members, then one
 * PATCH "Add". Runs in lanes (POST then PATCH on the same connection), `lanes` groups at a time.
 */
export async function seedSmallGroups(
  target: ScimTarget,
  name: string,
  count: number,
  memberIds: readonly string[],
  lanes: number,
  bounds: Bounds,
): Promise<{ groupIds: string[]; step: StepFigures }> {
  const groupIds: string[] = [];
  let next = 0;
  const figures = await runLanes({
    url: target.origin,
    headers: target.headers,
    laneSizes: splitIntoLanes(count, lanes),
    deadlineSeconds: bounds.deadlineSeconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const g = next++;
          context.g = g;
          request.path = `${target.base}/Groups`;
          request.body = createGroupBody(`Team ${g}`, 10_000_000 + g);
          return request;
        },
        onResponse: (status, body, context) => {
          const id = status === 201 ? idOf(body) : undefined;
          if (id) groupIds[context.g as number] = context.groupId = id;
        },
      },
      {
        method: 'PATCH',
        setupRequest: (request, context) => {
          request.path = `${target.base}/Groups/${(context.groupId as string | undefined) ?? 'group-not-created'}`;
          request.body = addMembersBody(memberIds);
          return request;
        },
      },
    ],
  });
  const created = groupIds.filter(Boolean);
  return { groupIds: created, step: step(name, created.length, figures) };
}

async function createGroup(target: ScimTarget, displayName: string): Promise<string> {
  const response = await fetch(`${target.origin}${target.base}/Groups`, {
    method: 'POST',
    headers: target.headers,
    body: createGroupBody(displayName, 0),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.text();
  const id = response.status === 201 ? idOf(body) : undefined;
  if (!id) throw new Error(`POST /Groups answered ${response.status}: ${body.slice(0, 500)}`);
  return id;
}

// The write scenarios' setupRequest functions set fields on the request object autocannon hands them (a fresh copy
// per call) instead of spreading it into a new one: it is the hot loop of the load generator.

/** Scenario 1: POST /Users with a fresh userName each time; the created ids are kept for later scenarios. */
export function createUserLoad(target: ScimTarget, created: string[]): LoadShape {
  let next = 0;
  const path = `${target.base}/Users`;
  return {
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const n = next++;
          request.path = path;
          request.body = createUserBody(`bench.create.${n}@contoso.example`, 1_000_000 + n);
          return request;
        },
        onResponse: (status, body) => {
          if (status !== 201) return;
          const id = idOf(body);
          if (id) created.push(id);
        },
      },
    ],
  };
}

/** Scenario 2: GET /Users/{id} of random existing users. */
export function getByIdLoad(target: ScimTarget, ids: readonly string[]): LoadShape {
  return prebuilt(() => ({ method: 'GET', path: `${target.base}/Users/${pick(ids)}` }));
}

/** Scenario 3: GET /Users?filter=userName eq "…" of random existing users: Entra's lookup before every change. */
export function filterUserNameLoad(target: ScimTarget, userNames: readonly string[]): LoadShape {
  return prebuilt(() => ({ method: 'GET', path: `${target.base}/Users?${eqFilter('userName', pick(userNames))}` }));
}

/** Scenario 4: PATCH /Users/{id} replacing displayName and active of a random user, as Entra sends a change. */
export function patchUserLoad(target: ScimTarget, ids: readonly string[]): LoadShape {
  let next = 0;
  return {
    requests: [
      {
        method: 'PATCH',
        setupRequest: (request) => {
          const n = next++;
          request.path = `${target.base}/Users/${pick(ids)}`;
          request.body = replaceUserBody(`Patched ${n}`, n % 2 === 0);
          return request;
        },
      },
    ],
  };
}

/**
 * Scenario 5: PATCH /Groups/{id} adding one member, a different user each time (taken in order from `pool`, which
 * holds no member of the groups yet); the run stops before the pool runs dry. With several groups the requests go
 * round them in turn, so that each stays close to its starting size for the whole run.
 */
export function addMemberLoad(target: ScimTarget, groupIds: readonly string[], pool: readonly string[]): LoadShape {
  let next = 0;
  const paths = groupIds.map((id) => `${target.base}/Groups/${id}`);
  return {
    requests: [
      {
        method: 'PATCH',
        setupRequest: (request) => {
          const n = next++;
          request.path = paths[n % paths.length]!;
          // Past the end of the pool (only when it is smaller than the connection count) the last user is re-added.
          request.body = addMembersBody([pool[Math.min(n, pool.length - 1)]!]);
          return request;
        },
      },
    ],
    remaining: () => pool.length - next,
  };
}

/** Scenario 6: GET /Users?startIndex=…&count=100, random pages anywhere in the directory. */
export function listPageLoad(target: ScimTarget, totalUsers: number): LoadShape {
  const lastStart = Math.max(1, totalUsers - 99);
  return prebuilt(() => ({ method: 'GET', path: `${target.base}/Users?startIndex=${1 + Math.floor(Math.random() * lastStart)}&count=100` }));
}

export interface SyncFigures {
  users: number;
  groups: number;
  membersPerGroup: number;
  lanes: number;
  userPhase: LoadFigures;
  groupPhase: LoadFigures;
  wallSeconds: number;
  /** Lookups that found an object although the directory started empty: should be 0. */
  unexpectedMatches: number;
  /** Users whose POST did not answer 201 with an id (so they are missing from their group). */
  usersNotCreated: number;
  completed: boolean;
}

/**
 * Scenarios 7 and 8: Entra's initial sync into an empty directory. For each user it looks the userName up and, on
 * zero results, creates the user; then for each group it looks the displayName up (members excluded), creates the
 * group without members and adds its members in one PATCH. `lanes` requests are in flight at a time.
 */
export async function initialSync(target: ScimTarget, users: number, groups: number, membersPerGroup: number, lanes: number, bounds: Bounds): Promise<SyncFigures> {
  const started = performance.now();
  const userIds: string[] = new Array(users);
  let unexpectedMatches = 0;
  const countMatch = (status: number, body: string) => {
    if (status === 200 && (totalResultsOf(body) ?? 0) > 0) unexpectedMatches++;
  };
  const userName = (n: number) => `sync.user.${n}@contoso.example`;

  let nextUser = 0;
  const userPhase = await runLanes({
    url: target.origin,
    headers: target.headers,
    laneSizes: splitIntoLanes(users, lanes),
    deadlineSeconds: bounds.deadlineSeconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request, context) => {
          const n = nextUser++;
          context.n = n;
          request.path = `${target.base}/Users?${eqFilter('userName', userName(n))}`;
          return request;
        },
        onResponse: countMatch,
      },
      {
        method: 'POST',
        setupRequest: (request, context) => {
          request.path = `${target.base}/Users`;
          request.body = createUserBody(userName(context.n as number), context.n as number);
          return request;
        },
        onResponse: (status, body, context) => {
          if (status === 201) userIds[context.n as number] = idOf(body) ?? '';
        },
      },
    ],
  });

  const remainingSeconds = Math.max(1, bounds.deadlineSeconds - (performance.now() - started) / 1000);
  let nextGroup = 0;
  const groupPhase = await runLanes({
    url: target.origin,
    headers: target.headers,
    laneSizes: splitIntoLanes(groups, lanes),
    deadlineSeconds: remainingSeconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request, context) => {
          const g = nextGroup++;
          context.g = g;
          request.path = `${target.base}/Groups?excludedAttributes=members&${eqFilter('displayName', `Sync Group ${g}`)}`;
          return request;
        },
        onResponse: countMatch,
      },
      {
        method: 'POST',
        setupRequest: (request, context) => {
          request.path = `${target.base}/Groups`;
          request.body = createGroupBody(`Sync Group ${context.g as number}`, context.g as number);
          return request;
        },
        onResponse: (status, body, context) => {
          if (status === 201) context.groupId = idOf(body);
        },
      },
      {
        method: 'PATCH',
        setupRequest: (request, context) => {
          const g = context.g as number;
          const members = userIds.slice(g * membersPerGroup, (g + 1) * membersPerGroup).filter(Boolean);
          // A group whose POST failed still gets its PATCH (to an id that does not exist): a sequence must not be cut
          // short, and the 404 shows up in the non-2xx count.
          const groupId = (context.groupId as string | undefined) ?? 'group-not-created';
          request.path = `${target.base}/Groups/${groupId}`;
          request.body = addMembersBody(members);
          return request;
        },
      },
    ],
  });

  const wallSeconds = round((performance.now() - started) / 1000, 2);
  const usersNotCreated = users - userIds.filter(Boolean).length;
  const completed = !userPhase.stoppedAtDeadline && !groupPhase.stoppedAtDeadline;
  return { users, groups, membersPerGroup, lanes, userPhase, groupPhase, wallSeconds, unexpectedMatches, usersNotCreated, completed };
}

/** One GET through fetch, for the checks and one-off measurements around the load runs. */
export async function getJson(target: ScimTarget, path: string, timeoutMs = 120_000): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${target.origin}${target.base}${path}`, { headers: target.headers, signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  return { status: response.status, body, ms: round(performance.now() - started, 1) };
}

function step(name: string, items: number, figures: LoadFigures): StepFigures {
  return { name, items, figures, itemsPerSecond: figures.seconds > 0 ? Math.round(items / figures.seconds) : 0 };
}
