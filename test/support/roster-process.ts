import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a `./bin/roster` command to completion on `database`; resolves with its stdout. */
export async function rosterCommand(database: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('./bin/roster', [...args, '--database', database], { env: { ...process.env, ROSTER_DATABASE: '' } });
  return stdout;
}

/** Runs a `./bin/roster` command with `input` on its stdin; resolves with stdout, rejects with what it printed to stderr. */
export function rosterCommandWithInput(database: string, input: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('./bin/roster', [...args, '--database', database], { env: { ...process.env, ROSTER_DATABASE: '' } }, (error, stdout, stderr) =>
      error ? reject(new Error(stderr)) : resolve(stdout),
    );
    child.stdin!.end(input);
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type ListeningRoster = RosterProcess & { address: string };

/** A `roster serve` process on 127.0.0.1 and a free port (or another long-running command), with what it prints (stdout and stderr) collected. */
export class RosterProcess {
  readonly exited: Promise<Exit>;
  private collected = '';
  private readonly waiters: Array<() => void> = [];

  private constructor(readonly child: ChildProcess) {
    const collect = (chunk: Buffer) => {
      this.collected += chunk;
      for (const check of this.waiters) check();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  /** Starts `roster serve` without waiting for it to listen. */
  static spawn(database: string, args: string[] = [], env: Record<string, string> = {}): RosterProcess {
    return RosterProcess.command(['serve', '--port', '0', '--database', database, ...args], env);
  }

  /** Starts any long-running `roster` command (`webhook worker`). */
  static command(args: string[], env: Record<string, string> = {}): RosterProcess {
    return new RosterProcess(spawn('./bin/roster', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ROSTER_DATABASE: '', ...env } }));
  }

  /** Starts `roster serve` and resolves once it listens; `address` is its origin (`http://127.0.0.1:PORT`). */
  static async start(database: string, ...args: string[]): Promise<ListeningRoster> {
    const server = RosterProcess.spawn(database, args);
    const address = (await server.waitFor(/listening on (\S+)/))[1]!;
    return Object.assign(server, { address });
  }

  get output(): string {
    return this.collected;
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.collected);
        if (match) resolve(match);
      };
      this.waiters.push(check);
      check();
      void this.exited.then(() => reject(new Error(`roster serve exited before printing ${pattern}:\n${this.collected}`)));
    });
  }

  /** Sends `signal` unless the process has ended, and waits for it to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
