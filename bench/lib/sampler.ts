import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { PostgresCpu } from './postgres-cpu.ts';

const SAMPLE_EVERY_MS = 200;

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat (100 on every usual Linux). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Reads one `Name:   123 kB` field of /proc/<pid>/status, in MB; undefined once the process is gone. */
function readStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds the process has used so far (all its threads). */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields from the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime and stime: fields 14 and 15 of stat
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine (all cores), from the first line of /proc/stat. */
function readMachineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
    void idle;
    void iowait;
    return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * How busy the machine is before the benchmark starts, in % of one core, over `seconds`: the load average would
 * still show a run that just ended, this shows what competes for the cores right now.
 */
export async function machineBusyPercent(seconds: number): Promise<number> {
  const before = readMachineBusySeconds();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return Math.round(((readMachineBusySeconds() - before) / seconds) * 100);
}

export interface WindowFigures {
  /** Highest RSS sampled in the window, MB. */
  peakRssMb: number;
  /** CPU the server used over the window, in % of one core (100 = one core busy all the time). */
  serverCpuPercent: number;
  /** CPU this process (the load generator) used over the window, in % of one core. */
  clientCpuPercent: number;
  /** CPU a local PostgreSQL server used for Roster's database over the window, in % of one core. */
  databaseCpuPercent?: number;
  /**
   * CPU the rest of the machine used (other processes, interrupts), in % of one core: anything well above a few %
   * means something else competed for the two cores and the figures are low.
   */
  otherCpuPercent: number;
}

/**
 * Samples a server process every 200 ms: resident memory (VmRSS, for the peak of each scenario) and, per window,
 * its CPU time and the load generator's, which tell whether a figure is the server's limit or the generator's.
 * With a local PostgreSQL server, its CPU for Roster's database is sampled too: it shares the same cores.
 */
export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private windowPeakMb = 0;
  private windowStart = { wall: 0, serverCpu: 0, databaseCpu: 0, machine: 0, client: process.cpuUsage() };

  constructor(
    readonly pid: number,
    private readonly database?: PostgresCpu,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Starts a new window: its peak begins at the current RSS, its CPU counts from now. */
  openWindow(): void {
    this.windowPeakMb = 0;
    this.sample();
    this.windowStart = {
      wall: performance.now(),
      serverCpu: readCpuSeconds(this.pid) ?? 0,
      databaseCpu: this.database?.seconds ?? 0,
      machine: readMachineBusySeconds(),
      client: process.cpuUsage(),
    };
  }

  /** What the window saw; samples once more so that even a short window has two samples. */
  closeWindow(): WindowFigures {
    this.sample();
    const wallSeconds = Math.max(0.001, (performance.now() - this.windowStart.wall) / 1000);
    const serverCpu = (readCpuSeconds(this.pid) ?? this.windowStart.serverCpu) - this.windowStart.serverCpu;
    const client = process.cpuUsage(this.windowStart.client);
    const clientCpu = (client.user + client.system) / 1e6;
    const databaseCpu = (this.database?.seconds ?? 0) - this.windowStart.databaseCpu;
    const machineCpu = readMachineBusySeconds() - this.windowStart.machine;
    const percent = (seconds: number) => Math.round((seconds / wallSeconds) * 100);
    return {
      peakRssMb: round1(this.windowPeakMb),
      serverCpuPercent: percent(serverCpu),
      clientCpuPercent: percent(clientCpu),
      ...(this.database ? { databaseCpuPercent: percent(databaseCpu) } : {}),
      otherCpuPercent: Math.max(0, percent(machineCpu - serverCpu - clientCpu - databaseCpu)),
    };
  }

  /** The kernel's peak RSS over the whole life of the process (catches spikes between two samples). */
  lifetimePeakMb(): number | undefined {
    const hwm = readStatusMb(this.pid, 'VmHWM');
    return hwm === undefined ? undefined : round1(hwm);
  }

  private sample(): void {
    this.database?.sample();
    const rss = readStatusMb(this.pid, 'VmRSS');
    if (rss !== undefined && rss > this.windowPeakMb) this.windowPeakMb = rss;
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
