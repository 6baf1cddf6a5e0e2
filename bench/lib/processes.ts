import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The repository root: bench/lib/ is two levels below it. */
export const ROOT = join(import.meta.dirname, '..', '..');
const ROSTER_BIN = join(ROOT, 'bin', 'roster');

/** Every child still running, so that any way out of the benchmark (error, Ctrl-C, exit) can end them. */
const running = new Set<ChildProcess>();

/** Synchronous clean-ups (e.g. removing the temporary databases) to run however the benchmark ends. */
const cleanups: Array<() => void> = [];

/** Registers a clean-up; the function it returns unregisters it, for a resource the benchmark already released. */
export function onCleanup(cleanup: () => void): () => void {
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.indexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

/** Kills every child at once and runs the clean-ups; synchronous, so it is safe inside a process 'exit' handler. */
export function killAllChildren(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
  for (const cleanup of cleanups.splice(0)) {
    try {
      cleanup();
    } catch {
      // Best effort: a clean-up that fails must not keep the others from running.
    }
  }
}

/** Ends the children however the benchmark ends: normally, on an uncaught error, or on SIGINT/SIGTERM. */
export function installCleanup(): void {
  process.once('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping the servers\n`);
      killAllChildren();
      process.exit(130);
    });
  }
}

/** A port that is free right now on 127.0.0.1 (the OS picks it; the tiny race before the child binds is accepted). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  name: string;
  pid: number;
  baseUrl: string;
  /** The last lines the child printed, to show when it dies or misbehaves. */
  recentOutput(): string;
  /** Throws, with the child's last output, if it has exited: a dead server must not pass for a slow one. */
  assertRunning(): void;
  /** SIGTERM (Roster then drains requests and flushes its provisioning log), SIGKILL if it lingers. */
  stop(): Promise<void>;
}

const KEPT_OUTPUT_LINES = 40;
const START_TIMEOUT_MS = 60_000;

/**
 * Starts `node <args>`, with `env` on top of this process's environment, and resolves once its output matches `ready`
 * (the server is listening). The child is `node` itself, not a shell around it, so its pid is the process whose
 * memory we sample.
 */
export async function startServer(name: string, args: string[], baseUrl: string, ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  const lines: string[] = [];
  const recentOutput = () => lines.join('\n');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms:\n${recentOutput()}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > KEPT_OUTPUT_LINES) lines.shift();
        if (ready.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${recentOutput()}`));
    });
  });

  return {
    name,
    pid: child.pid!,
    baseUrl,
    recentOutput,
    assertRunning() {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${recentOutput()}`);
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export interface Directory {
  id: string;
  organizationId: string;
  token: string;
  tenantUrl: string;
}

/** `roster directory create --provider entra --json`, run as the CLI an operator would use; `database` as `--database` takes it. */
export async function createDirectory(database: string, publicUrl: string, name: string): Promise<Directory> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [ROSTER_BIN, 'directory', 'create', '--name', name, '--provider', 'entra', '--database', database, '--public-url', publicUrl, '--json'],
    { cwd: ROOT, timeout: 60_000 },
  );
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(lastLine) as Partial<Directory>;
  if (!parsed.id || !parsed.organizationId || !parsed.token || !parsed.tenantUrl) throw new Error(`unexpected output of "roster directory create": ${stdout}`);
  return { id: parsed.id, organizationId: parsed.organizationId, token: parsed.token, tenantUrl: parsed.tenantUrl };
}

/** `roster webhook add --organization ID --url URL --json`: an endpoint for every event; `env` holds the secret key. */
export async function addWebhookEndpoint(database: string, organizationId: string, url: string, env: NodeJS.ProcessEnv): Promise<void> {
  await execFileAsync(process.execPath, [ROSTER_BIN, 'webhook', 'add', '--organization', organizationId, '--url', url, '--database', database, '--json'], {
    cwd: ROOT,
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
}

/** `roster serve` on 127.0.0.1 with its own database: a SQLite file (Roster itself turns on WAL) or a postgres:// URL. */
export async function startRoster(database: string, port: number, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<ServerProcess> {
  const baseUrl = `http://127.0.0.1:${port}`;
  return startServer(
    'roster',
    [ROSTER_BIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--database', database, '--public-url', baseUrl, ...args],
    baseUrl,
    /Roster is listening on/,
    env,
  );
}

/** `roster webhook worker`: webhook delivery in a process of its own, beside a `roster serve --no-webhooks`. */
export async function startWebhookWorker(database: string, env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  return startServer('webhook worker', [ROSTER_BIN, 'webhook', 'worker', '--database', database], '', /Delivering webhooks/, env);
}

/** The bare node:http server that answers a fixed 1 KB JSON, as the ceiling for a Node server on this machine. */
export async function startBaseline(port: number): Promise<ServerProcess> {
  return startServer('baseline', ['--import', 'tsx', join(ROOT, 'bench', 'baseline-server.ts'), String(port)], `http://127.0.0.1:${port}`, /baseline listening/);
}

/** The fast local webhook receiver (bench/webhook-receiver.ts): answers 204 at once and counts the events it got. */
export async function startWebhookReceiver(port: number): Promise<ServerProcess> {
  return startServer('webhook receiver', ['--import', 'tsx', join(ROOT, 'bench', 'webhook-receiver.ts'), String(port)], `http://127.0.0.1:${port}`, /webhook receiver listening/);
}
