import { randomBytes } from 'node:crypto';
import { totalResultsOf } from './entra.ts';
import type { LoadFigures } from './load.ts';
import { addWebhookEndpoint, freePort, type ServerProcess, startWebhookReceiver, startWebhookWorker } from './processes.ts';
import type { Check, DialectResults } from './report.ts';
import { type Backend, delay, fmt, launchRoster, type LaunchOptions, log, measured, shutDown } from './roster-under-test.ts';
import { timedRow } from './rows.ts';
import type { WindowFigures } from './sampler.ts';
import * as scenario from './scenarios.ts';
import { type Config, DEADLINE_S, SIZE, TARGET } from './settings.ts';

/** How often the drain asks the receiver how many events it has. */
const DRAIN_POLL_MS = 100;

/** What the receiver had at one moment. */
interface Mark {
  events: number;
  at: number;
}

async function receivedBy(receiver: ServerProcess): Promise<Mark> {
  const response = await fetch(receiver.baseUrl, { signal: AbortSignal.timeout(10_000) });
  const { events } = (await response.json()) as { events: number };
  return { events, at: performance.now() };
}

interface Delivery {
  /** Events Roster had written when the load stopped: one per user created, and the directory's activation. */
  written: number;
  /** Events the receiver got per second over the measured load. */
  duringLoadPerSecond: number;
  /** Events written but not yet received when the load stopped. */
  backlogAtEnd: number;
  drainSeconds: number;
  drainPerSecond: number;
  /** False if the receiver still lacked events at the deadline. */
  complete: boolean;
}

/** Waits until the receiver has `written` events, or the deadline; the time runs from the end of the load. */
async function drain(receiver: ServerProcess, written: number, loadEnd: Mark): Promise<Pick<Delivery, 'drainSeconds' | 'drainPerSecond' | 'complete'>> {
  let last = loadEnd;
  const deadline = loadEnd.at + DEADLINE_S.webhookDrain * 1000;
  while (last.events < written && last.at < deadline) {
    await delay(DRAIN_POLL_MS);
    last = await receivedBy(receiver);
  }
  const drainSeconds = (last.at - loadEnd.at) / 1000;
  return {
    drainSeconds: Math.round(drainSeconds * 10) / 10,
    drainPerSecond: drainSeconds > 0 ? (last.events - loadEnd.events) / drainSeconds : 0,
    complete: last.events >= written,
  };
}

/**
 * Scenario 1's create-user load on a fresh server. With a receiver, the server has an endpoint for all events
 * pointing at it, and once the load stops the receiver is watched until it has every event Roster wrote.
 */
async function createUsers(
  config: Config,
  backend: Backend,
  label: string,
  launch: LaunchOptions,
  receiver?: ServerProcess,
  options: { overallRate?: number; separateWorker?: boolean } = {},
): Promise<{ measurement: { result: LoadFigures; window: WindowFigures }; delivery?: Delivery }> {
  const roster = await launchRoster(backend, label, options.separateWorker ? { ...launch, serveArgs: ['--no-webhooks'] } : launch);
  const worker = options.separateWorker ? await startWebhookWorker(roster.database, { ...process.env, ...launch.env }) : undefined;
  const run = { connections: SIZE.connections, durationSeconds: config.durationSeconds, warmupSeconds: config.warmupSeconds, overallRate: options.overallRate };
  try {
    // Asked for as the measured load begins; the few ms the answer takes do not matter over a run of seconds.
    let loadStart: Promise<Mark> | undefined;
    const measurement = await measured(roster, (begin) =>
      scenario.timedLoad(roster.target, run, scenario.createUserLoad(roster.target, []), () => {
        begin();
        if (receiver) loadStart = receivedBy(receiver);
      }),
    );
    if (!receiver || !loadStart) return { measurement };
    const [start, end] = [await loadStart, await receivedBy(receiver)];
    // Counted by Roster rather than by the load generator, which does not see the answers in flight when it stops.
    const users = totalResultsOf((await scenario.getJson(roster.target, '/Users?count=0')).body) ?? 0;
    const written = users + 1;
    log(`webhooks: ${fmt(written)} events written, ${fmt(end.events)} received when the load stopped; draining`);
    const drained = await drain(receiver, written, end);
    return {
      measurement,
      delivery: { written, duringLoadPerSecond: (end.events - start.events) / ((end.at - start.at) / 1000), backlogAtEnd: written - end.events, ...drained },
    };
  } finally {
    await worker?.stop();
    await shutDown(roster);
    await backend.databases.dispose(roster.database);
  }
}

/** Latency with a webhook endpoint against without, held to "within 10%" at the median and the tail. */
function latencyCheck(off: LoadFigures, on: LoadFigures, offRow: string): Check {
  const p50 = on.p50Ms / off.p50Ms;
  const p99 = on.p99Ms / off.p99Ms;
  return {
    label: `p50, p99 <= ${TARGET.webhookLatencyRatio}x ${offRow}'s (${p50.toFixed(2)}x, ${p99.toFixed(2)}x)`,
    pass: p50 <= TARGET.webhookLatencyRatio && p99 <= TARGET.webhookLatencyRatio,
  };
}

/**
 * Scenario 9: create user (POST /Users, c=32) on a server without a webhook endpoint, then on one with an endpoint for
 * all events: 9a/9b as fast as the server answers (its one core saturated, so the delivery worker's CPU is taken from
 * the requests), 9c/9d at an offered rate that leaves it CPU to spare, as Entra's provisioning does, and 9e as 9b but
 * with delivery in a `roster webhook worker` process beside `roster serve --no-webhooks`.
 */
export async function measureWebhooks(config: Config, backend: Backend, results: DialectResults): Promise<void> {
  // Both servers get the same environment, so the endpoint is the only difference between them.
  const env = { ROSTER_SECRET_KEY: randomBytes(32).toString('base64'), ROSTER_WEBHOOK_ALLOW_PRIVATE: '1' };
  const pairs: Array<{ offRow: string; onRow: string; rate?: number; separateWorker?: boolean; what: string }> = [
    { offRow: '9a', onRow: '9b', what: 'webhook endpoint for all events' },
    { offRow: '9c', onRow: '9d', rate: TARGET.webhookOfferedRate, what: 'webhook endpoint for all events' },
    { offRow: '9a', onRow: '9e', separateWorker: true, what: 'endpoint for all events, delivered by `roster webhook worker`' },
  ];
  const without = new Map<string, Awaited<ReturnType<typeof createUsers>>>();
  for (const { offRow, onRow, rate, separateWorker, what } of pairs) {
    const load = rate === undefined ? 'create user (POST /Users)' : `create user (POST /Users) at ${fmt(rate)}/s offered`;
    let off = without.get(offRow);
    if (!off) {
      log(`${offRow}: ${load}, no webhook endpoint`);
      off = await createUsers(config, backend, `webhooks-off-${offRow}`, { env }, undefined, { overallRate: rate });
      without.set(offRow, off);
      results.rows.push(timedRow(offRow, `${load}, no webhook endpoint`, off.measurement, []));
    }
    // A receiver per run: it counts the events it got since it started.
    const receiver = await startWebhookReceiver(await freePort());
    const addEndpoint = (database: string, directory: { organizationId: string }) => addWebhookEndpoint(database, directory.organizationId, receiver.baseUrl, env);
    try {
      log(`${onRow}: ${load}, ${what} -> ${receiver.baseUrl}`);
      const on = await createUsers(config, backend, `webhooks-on-${onRow}`, { env, beforeServe: addEndpoint }, receiver, { overallRate: rate, separateWorker });
      const d = on.delivery!;
      results.rows.push(
        timedRow(onRow, `${load}, ${what}`, on.measurement, [
          latencyCheck(off.measurement.result, on.measurement.result, offRow),
          { label: `every event delivered within ${DEADLINE_S.webhookDrain} s`, pass: d.complete },
        ], {
          notes: [
            `req/s ${(on.measurement.result.requestsPerSecond / off.measurement.result.requestsPerSecond).toFixed(2)}x ${offRow}'s`,
            `${fmt(d.written)} events written (one per user created, warm-up included, and dsync.directory.activated); ` +
              `delivered ${fmt(d.duringLoadPerSecond)}/s during the measured load; backlog ${fmt(d.backlogAtEnd)} when the load stopped, ` +
              `drained in ${d.drainSeconds} s (${fmt(d.drainPerSecond)}/s)${d.complete ? '' : ' (INCOMPLETE: deadline)'}`,
            'the receiver (node:http, 204 at once, signatures not verified) is a child process whose CPU counts as "other"' +
              (separateWorker ? ', as does the webhook worker' : ''),
          ],
        }),
      );
      log(`${onRow}: ${fmt(d.duringLoadPerSecond)} events/s during the load, backlog ${fmt(d.backlogAtEnd)}, drained in ${d.drainSeconds} s`);
    } finally {
      await receiver.stop();
    }
  }
}
