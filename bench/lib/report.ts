import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { LoadFigures } from './load.ts';
import { ROOT } from './processes.ts';
import type { WindowFigures } from './sampler.ts';
import type { StepFigures } from './scenarios.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  kernel: string;
  autocannon: string;
}

/** A target a row is held to; `pass` decides the PASS/MISS verdict. */
export interface Check {
  label: string;
  pass: boolean;
}

/** One line of the results table: a timed scenario or a sync. */
export interface Row {
  id: string;
  scenario: string;
  concurrency: number;
  figures: LoadFigures;
  /** Wall time of a sync (both phases); a timed scenario's time is figures.seconds. */
  wallSeconds?: number;
  /** Server peak RSS and the CPU of server, load generator and everything else over the measured time. */
  window: WindowFigures;
  /** Roster's requests/s over the bare node:http server's, for the GET scenarios. */
  vsBaseline?: number;
  checks: Check[];
  notes: string[];
}

export interface SeedRow {
  step: StepFigures;
  window: WindowFigures;
}

export interface Report {
  startedAt: string;
  finishedAt?: string;
  machine: Machine;
  config: { durationSeconds: number; warmupSeconds: number; scale: boolean; small: boolean };
  /** CPU the machine used over 2 s before the run, in % of one core: more than a few % means it was not idle. */
  busyCpuPercentAtStart: number;
  baseline?: { figures: LoadFigures; window: WindowFigures };
  seeding: SeedRow[];
  rows: Row[];
  /** One-off measurements and sanity checks worth reading next to the table. */
  observations: string[];
}

export const RSS_LIMIT_MB = 300;
/** % of one core used by anything but the server and the load generator above which a figure is flagged. */
const OTHER_CPU_WARNING = 10;

export function describeMachine(): Machine {
  const cpuinfo = safeRead('/proc/cpuinfo');
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const autocannon = (JSON.parse(safeRead(join(ROOT, 'node_modules', 'autocannon', 'package.json')) || '{}') as { version?: string }).version ?? '?';
  return {
    cpus: availableParallelism(),
    cpuModel,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    autocannon,
  };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function verdict(checks: readonly Check[]): string {
  if (checks.length === 0) return '';
  const missed = checks.filter((c) => !c.pass).map((c) => c.label);
  return missed.length === 0 ? 'PASS' : `MISS (${missed.join('; ')})`;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isFinite(n) ? String(n) : '-');

const HEADER = ['#', 'Scenario', 'c', 'time s', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'peak RSS MB', 'CPU % srv/gen/other', 'vs node:http', 'targets', 'result'];

const cpu = (w: WindowFigures) => `${w.serverCpuPercent}/${w.clientCpuPercent}/${w.otherCpuPercent}`;

function rowCells(row: Row): string[] {
  const f = row.figures;
  return [
    row.id,
    row.scenario,
    String(row.concurrency),
    String(row.wallSeconds ?? f.seconds),
    int(f.requests),
    int(f.requestsPerSecond),
    ms(f.p50Ms),
    ms(f.p99Ms),
    int(f.errors),
    int(f.non2xx),
    String(row.window.peakRssMb),
    cpu(row.window),
    row.vsBaseline === undefined ? '' : `${(row.vsBaseline * 100).toFixed(row.vsBaseline < 0.1 ? 1 : 0)}%`,
    row.checks.map((c) => c.label).join('; '),
    verdict(row.checks),
  ];
}

const SEED_HEADER = ['Seeding step', 'items', 'time s', 'items/s', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'peak RSS MB', 'CPU % srv/gen/other'];

function seedCells({ step, window }: SeedRow): string[] {
  const f = step.figures;
  return [
    step.name,
    int(step.items),
    String(f.seconds),
    int(step.itemsPerSecond),
    int(f.requests),
    int(f.requestsPerSecond),
    ms(f.p50Ms),
    ms(f.p99Ms),
    int(f.errors),
    int(f.non2xx),
    String(window.peakRssMb),
    cpu(window),
  ];
}

function machineLine(m: Machine): string {
  return `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb} GB RAM, Node ${m.node}, Linux ${m.kernel}, autocannon ${m.autocannon}`;
}

function baselineLine(report: Report): string {
  const b = report.baseline;
  if (!b) return 'bare node:http baseline: not measured';
  return (
    `bare node:http baseline (GET, fixed 1 KB JSON, c=32): ${int(b.figures.requestsPerSecond)} req/s, p50 ${b.figures.p50Ms} ms, ` +
    `p99 ${b.figures.p99Ms} ms, peak RSS ${b.window.peakRssMb} MB, CPU % srv/gen/other ${cpu(b.window)}`
  );
}

/** Fixed-width text table for the terminal. */
function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(header: string[], rows: string[][]): string {
  const escape = (c: string) => c.replaceAll('|', '\\|');
  const line = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function preamble(report: Report): string[] {
  const lines = [
    `Machine: ${machineLine(report.machine)}; CPU busy before the start: ${report.busyCpuPercentAtStart}% of one core.`,
    `Run of ${report.startedAt}: timed scenarios ${report.config.durationSeconds} s each after a ${report.config.warmupSeconds} s warm-up; ` +
      'the load generator (autocannon, one thread) runs on the same machine as the server.',
    'CPU % srv/gen/other: CPU used by the Roster process / the load generator / everything else, in % of one core, over the measured time.',
  ];
  if (report.config.small) lines.push('BENCH_SMALL: every count divided by 10; a check of the benchmark, not comparable figures.');
  const contended = report.rows.filter((r) => r.window.otherCpuPercent > OTHER_CPU_WARNING).map((r) => r.id);
  if (report.busyCpuPercentAtStart > OTHER_CPU_WARNING || contended.length > 0) {
    lines.push(
      `WARNING: other processes used the CPU ${contended.length ? `during ${contended.join(', ')}` : 'when the run started'}; ` +
        'those figures are lower than this machine can do (see the "other" CPU column).',
    );
  }
  return lines;
}

export function renderText(report: Report): string {
  return [
    `Roster benchmark`,
    ...preamble(report),
    baselineLine(report),
    '',
    textTable(HEADER, report.rows.map(rowCells)),
    '',
    textTable(SEED_HEADER, report.seeding.map(seedCells)),
    '',
    ...notesOf(report).map((n) => `- ${n}`),
  ].join('\n');
}

export function renderMarkdown(report: Report): string {
  return [
    ...preamble(report).map((line) => `${line}  `),
    '',
    markdownTable(HEADER, report.rows.map(rowCells)),
    '',
    markdownTable(SEED_HEADER, report.seeding.map(seedCells)),
    '',
    `${baselineLine(report)}.`,
    '',
    ...notesOf(report).map((n) => `- ${n}`),
  ].join('\n');
}

function notesOf(report: Report): string[] {
  return [...report.rows.flatMap((r) => r.notes.map((n) => `${r.id} ${r.scenario}: ${n}`)), ...report.observations];
}
