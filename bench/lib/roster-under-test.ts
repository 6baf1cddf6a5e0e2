import { type ScimTarget, scimTarget } from './entra.ts';
import type { FreshDatabases } from './fresh-databases.ts';
import { PostgresCpu } from './postgres-cpu.ts';
import { createDirectory, type Directory, freePort, type ServerProcess, startRoster } from './processes.ts';
import { ProcessSampler, type WindowFigures } from './sampler.ts';

/** The database side of a benchmark run: where fresh databases come from, and a local PostgreSQL to sample. */
export interface Backend {
  databases: FreshDatabases;
  /** The main process of a PostgreSQL server on this machine, whose CPU is sampled beside Roster's. */
  postgresPid?: number;
}

export interface RunningServer {
  server: ServerProcess;
  sampler: ProcessSampler;
}

export interface RunningRoster extends RunningServer {
  target: ScimTarget;
  /** What `--database` was given. */
  database: string;
  directoryId: string;
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** What a scenario adds to a plain server, e.g. a webhook endpoint and the key that encrypts its secret. */
export interface LaunchOptions {
  /** On top of the benchmark's environment, for `roster serve`. */
  env?: NodeJS.ProcessEnv;
  /** Runs once the directory exists and before the server starts, so the server sees it from its first request. */
  beforeServe?: (database: string, directory: Directory) => Promise<void>;
  /** More `roster serve` arguments, e.g. `--no-webhooks`. */
  serveArgs?: string[];
}

/** A fresh database, an Entra directory in it (through the CLI), and `roster serve` on it on a free port. */
export async function launchRoster(backend: Backend, label: string, options: LaunchOptions = {}): Promise<RunningRoster> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const database = await backend.databases.create(label);
  const directory = await createDirectory(database, origin, `Bench ${label}`);
  await options.beforeServe?.(database, directory);
  const running = await serveDirectory(backend, database, origin, directory.id, directory.token, options.env, options.serveArgs);
  log(`roster (${backend.databases.dialect} ${label}) pid ${running.server.pid} on ${origin}, directory ${directory.id}`);
  return running;
}

/** Starts `roster serve` again on a database a stopped server left, e.g. after filling it in bulk. */
export async function relaunchRoster(backend: Backend, stopped: RunningRoster): Promise<RunningRoster> {
  const token = stopped.target.headers.authorization!.slice('Bearer '.length);
  return serveDirectory(backend, stopped.database, stopped.target.origin, stopped.directoryId, token);
}

async function serveDirectory(
  backend: Backend,
  database: string,
  origin: string,
  directoryId: string,
  token: string,
  env?: NodeJS.ProcessEnv,
  args?: string[],
): Promise<RunningRoster> {
  const server = await startRoster(database, Number(new URL(origin).port), env, args);
  const postgresCpu = backend.postgresPid === undefined ? undefined : new PostgresCpu(backend.postgresPid, backend.databases.serverDatabaseName!(database));
  const sampler = new ProcessSampler(server.pid, postgresCpu);
  sampler.start();
  return { server, sampler, target: scimTarget(origin, directoryId, token), database, directoryId };
}

/** Stops a server and returns the kernel's peak RSS over its whole life. */
export async function shutDown(running: RunningServer): Promise<number | undefined> {
  const peak = running.sampler.lifetimePeakMb();
  running.sampler.stop();
  await running.server.stop();
  return peak;
}

/**
 * When autocannon stops, the server still holds up to one request per connection (32 list pages take ~0.5 s): this
 * pause lets that tail drain, so it is not billed to the next measurement.
 */
export const SETTLE_MS = 1_000;

/**
 * Runs `work` inside a sampling window (peak RSS, CPU), checking that the server is alive before and after. `work`
 * may call `begin` to restart the window once its warm-up is over.
 */
export async function measured<T>(running: RunningServer, work: (begin: () => void) => Promise<T>): Promise<{ result: T; window: WindowFigures }> {
  await delay(SETTLE_MS);
  running.server.assertRunning();
  running.sampler.openWindow();
  const result = await work(() => running.sampler.openWindow());
  const window = running.sampler.closeWindow();
  running.server.assertRunning();
  return { result, window };
}
