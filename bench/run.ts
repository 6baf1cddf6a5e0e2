// Roster's benchmark: `npm run bench` (add `-- --scale` or BENCH_SCALE=1 for the 100k-user sync and the hot
// operations on 10k and 1M users; `-- --webhooks` for the webhook scenario alone; `-- --postgres URL` or
// `-- --dialect both` for PostgreSQL).
//
// Roster runs as a separate child process on 127.0.0.1 with a fresh database (a SQLite file, or a database of its
// own on a PostgreSQL server), exactly as `roster serve` runs in production, and autocannon drives it from this
// process. A bare node:http server is measured the same way first, so the GET figures can be read as a fraction of
// what Node manages on this machine. See docs/benchmarks.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureDirectorySizes } from './lib/directory-size.ts';
import { scimTarget } from './lib/entra.ts';
import { type Dialect, postgresDatabases, sqliteDatabases } from './lib/fresh-databases.ts';
import { PostgresServer } from './lib/postgres-server.ts';
import { freePort, installCleanup, killAllChildren, onCleanup, ROOT, startBaseline } from './lib/processes.ts';
import { checkedRows, describeMachine, DIALECT_LABEL, type DialectResults, renderMarkdown, renderText, type Report, verdict } from './lib/report.ts';
import { type Backend, fmt, log, measured, shutDown } from './lib/roster-under-test.ts';
import { machineBusyPercent, ProcessSampler } from './lib/sampler.ts';
import * as scenario from './lib/scenarios.ts';
import { type Config, DEADLINE_S, readConfig, SIZE, SMALL, TARGET } from './lib/settings.ts';
import { measureSteadyState } from './lib/steady-state.ts';
import { measureSync } from './lib/sync-scenario.ts';
import { measureWebhooks } from './lib/webhook-scenario.ts';

async function measureBaseline(config: Config, report: Report): Promise<void> {
  const port = await freePort();
  const server = await startBaseline(port);
  const sampler = new ProcessSampler(server.pid);
  sampler.start();
  try {
    // Same headers and the same kind of varying path as "get user by id", so both cost the load generator the same.
    const target = scimTarget(server.baseUrl, 'baseline', 'not-a-secret');
    const fakeIds = Array.from({ length: 1000 }, (_, i) => `baseline-${i}`);
    log('baseline: bare node:http, GET at c=32');
    const { result, window } = await measured({ server, sampler }, (begin) =>
      scenario.timedLoad(target, { connections: SIZE.connections, ...config }, scenario.getByIdLoad(target, fakeIds), begin),
    );
    report.baseline = { figures: result, window };
    log(`baseline: ${fmt(result.requestsPerSecond)} req/s`);
  } finally {
    await shutDown({ server, sampler });
  }
}

/** Where one dialect's fresh databases come from, and what the report says about its server. */
async function backendFor(dialect: Dialect, config: Config, workDir: string, results: DialectResults): Promise<Backend> {
  if (dialect === 'sqlite') return { databases: sqliteDatabases(workDir, config.keep) };
  const server = new PostgresServer(config.postgresUrl!);
  results.postgres = await server.describe();
  const postgresPid = await server.postmasterPid();
  return { databases: postgresDatabases(server, config.keep), ...(postgresPid === undefined ? {} : { postgresPid }) };
}

/** Every scenario on one dialect; what was measured before a failure stays in `results`. */
async function measureDialect(config: Config, backend: Backend, results: DialectResults, baselineRps: number | undefined): Promise<void> {
  if (config.webhooksOnly) {
    await measureWebhooks(config, backend, results);
    return;
  }
  if (!config.scaleOnly) {
    await measureSteadyState(config, backend, results, baselineRps);
    await measureSync(backend, results, '7', SIZE.syncUsers, SIZE.syncGroups, DEADLINE_S.sync, TARGET.syncSeconds);
    await measureWebhooks(config, backend, results);
  }
  if (config.scale) {
    await measureSync(backend, results, '8', SIZE.scaleUsers, SIZE.scaleGroups, DEADLINE_S.scaleSync);
    await measureDirectorySizes(config, backend, results);
  } else {
    results.observations.push('Scenario 8 (100k users, 1,000 groups) and the 10k/1M-user comparison were not run: use `npm run bench -- --scale` or BENCH_SCALE=1.');
  }
}

function writeResults(report: Report): void {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), `${renderMarkdown(report)}\n`);
}

async function main(): Promise<void> {
  const config = readConfig();
  installCleanup();
  // The last line of defence for "everything bounded": whatever hangs, the run ends and takes its servers with it.
  const overall = (config.scale ? DEADLINE_S.overallScale : DEADLINE_S.overall) * config.dialects.length;
  setTimeout(() => {
    log(`overall time limit of ${overall} s reached, stopping`);
    killAllChildren();
    process.exit(2);
  }, overall * 1000).unref();

  const report: Report = {
    startedAt: new Date().toISOString(),
    machine: describeMachine(),
    config: {
      durationSeconds: config.durationSeconds,
      warmupSeconds: config.warmupSeconds,
      scale: config.scale,
      scaleOnly: config.scaleOnly,
      webhooksOnly: config.webhooksOnly,
      small: SMALL,
      dialects: config.dialects,
    },
    busyCpuPercentAtStart: await machineBusyPercent(2),
    dialects: [],
    observations: [],
  };
  const workDir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  if (!config.keep) onCleanup(() => rmSync(workDir, { recursive: true, force: true }));
  const dialectNames = config.dialects.map((d) => DIALECT_LABEL[d]).join(' then ');
  const scope = config.webhooksOnly ? '; the webhook scenario only' : config.scaleOnly ? '; the scale run only' : config.scale ? '; with the scale run' : '';
  log(`${dialectNames}; work directory ${workDir}; ${config.durationSeconds} s per scenario${scope}${SMALL ? '; BENCH_SMALL: counts / 10' : ''}`);
  try {
    // The baseline is what the GET scenarios are read against; the webhook scenario alone has none.
    if (!config.webhooksOnly) await measureBaseline(config, report);
    for (const dialect of config.dialects) {
      const results: DialectResults = { dialect, seeding: [], rows: [], sizes: [], observations: [] };
      report.dialects.push(results);
      const backend = await backendFor(dialect, config, workDir, results);
      await measureDialect(config, backend, results, report.baseline?.figures.requestsPerSecond);
    }
  } catch (error) {
    // Whatever was measured before the failure is still worth keeping.
    report.observations.push(`THE RUN FAILED: ${error instanceof Error ? error.message : String(error)}`);
    writeResults(report);
    throw error;
  } finally {
    report.finishedAt = new Date().toISOString();
    if (config.keep) log(`kept ${workDir}${config.dialects.includes('postgres') ? ' and the roster_bench_* databases' : ''}`);
    else rmSync(workDir, { recursive: true, force: true });
  }

  writeResults(report);
  process.stdout.write(`\n${renderText(report)}\n\n--- markdown (for docs/benchmarks.md) ---\n\n${renderMarkdown(report)}\n`);
  const missed = checkedRows(report).filter(({ row }) => verdict(row.checks).startsWith('MISS'));
  process.stdout.write(`\n${missed.length === 0 ? 'All targets met.' : `Missed: ${missed.map(({ label, row }) => `${label} ${verdict(row.checks)}`).join(', ')}`}\n`);
  process.stdout.write('Results written to bench/results/latest.json and bench/results/latest.md.\n');
}

try {
  await main();
} catch (error) {
  killAllChildren();
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
