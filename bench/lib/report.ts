import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BulkSeedFigures } from './bulk-users.ts';
import type { Dialect } from './fresh-databases.ts';
import type { LoadFigures } from './load.ts';
import type { PostgresServerInfo } from './postgres-server.ts';
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

/** The hot operations on a directory of one size, filled in bulk (the scale run). */
export interface SizeResults {
  users: number;
  seeding: BulkSeedFigures;
  rows: Row[];
  /** The kernel's peak RSS of that Roster process over its whole life. */
  lifetimePeakMb?: number;
}

/** Everything measured on one database. */
export interface DialectResults {
  dialect: Dialect;
  postgres?: PostgresServerInfo;
  seeding: SeedRow[];
  rows: Row[];
  sizes: SizeResults[];
  /** One-off measurements and sanity checks worth reading next to the table. */
  observations: string[];
}

export interface Report {
  startedAt: string;
  finishedAt?: string;
  machine: Machine;
  config: { durationSeconds: number; warmupSeconds: number; scale: boolean; scaleOnly: boolean; webhooksOnly: boolean; small: boolean; dialects: Dialect[] };
  /** CPU the machine used over 2 s before the run, in % of one core: more than a few % means it was not idle. */
  busyCpuPercentAtStart: number;
  baseline?: { figures: LoadFigures; window: WindowFigures };
  dialects: DialectResults[];
  /** What concerns the whole run, e.g. that it failed. */
  observations: string[];
}

export const DIALECT_LABEL: Record<Dialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export const RSS_LIMIT_MB = 300;
/** % of one core used by anything but the server and the load generator above which a figure is flagged. */
const OTHER_CPU_WARNING = 10;
/** Beyond this many flagged measurements the warning gives their count instead of their names. */
const MAX_LISTED = 6;

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
/** 10,000 as "10k", 1,000,000 as "1M": the directory sizes in column headers. */
const short = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-');

/** Roster / PostgreSQL (when sampled) / load generator / the rest. */
const cpu = (w: WindowFigures) => [w.serverCpuPercent, ...(w.databaseCpuPercent === undefined ? [] : [w.databaseCpuPercent]), w.clientCpuPercent, w.otherCpuPercent].join('/');
const cpuHeader = (dialect: Dialect) => (dialect === 'postgres' ? 'CPU % srv/db/gen/other' : 'CPU % srv/gen/other');

const header = (dialect: Dialect) => ['#', 'Scenario', 'c', 'time s', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'peak RSS MB', cpuHeader(dialect), 'vs node:http', 'targets', 'result'];

function rowCells(row: Row): string[] {
  const f = row.figures;
  return [
    row.id,
    row.scenario,
    String(row.concurrency),
    String(row.wallSeconds ?? f.seconds),
    ...loadCells(f),
    String(row.window.peakRssMb),
    cpu(row.window),
    row.vsBaseline === undefined ? '' : `${(row.vsBaseline * 100).toFixed(row.vsBaseline < 0.1 ? 1 : 0)}%`,
    row.checks.map((c) => c.label).join('; '),
    verdict(row.checks),
  ];
}

/** The cells every load measurement shares: requests, rate, latency and failures. */
function loadCells(f: LoadFigures): string[] {
  return [int(f.requests), int(f.requestsPerSecond), ms(f.p50Ms), ms(f.p99Ms), int(f.errors), int(f.non2xx)];
}

const seedHeader = (dialect: Dialect) => ['Seeding step', 'items', 'time s', 'items/s', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'peak RSS MB', cpuHeader(dialect)];

function seedCells({ step, window }: SeedRow): string[] {
  const f = step.figures;
  return [
    step.name,
    int(step.items),
    String(f.seconds),
    int(step.itemsPerSecond),
    ...loadCells(f),
    String(window.peakRssMb),
    cpu(window),
  ];
}

function machineLine(m: Machine): string {
  return `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb} GB RAM, Node ${m.node}, Linux ${m.kernel}, autocannon ${m.autocannon}`;
}

function postgresLine(info: PostgresServerInfo): string {
  const settings = Object.entries(info.settings)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  const where = info.local ? 'on this machine, sharing its cores with Roster and the load generator' : 'on another machine';
  return `PostgreSQL ${info.version} at ${info.url} (${where}): ${settings}.`;
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

type Table = { title: string; header: string[]; rows: string[][] };

function preamble(report: Report): string[] {
  const lines = [
    `Machine: ${machineLine(report.machine)}; CPU busy before the start: ${report.busyCpuPercentAtStart}% of one core.`,
    ...report.dialects.flatMap((d) => (d.postgres ? [postgresLine(d.postgres)] : [])),
    `Run of ${report.startedAt}: timed scenarios ${report.config.durationSeconds} s each after a ${report.config.warmupSeconds} s warm-up; ` +
      'the load generator (autocannon, one thread) runs on the same machine as the server.',
    'CPU % srv/db/gen/other: CPU used by the Roster process / by PostgreSQL for its database (when local) / by the load generator / by everything else, in % of one core, over the measured time. ' +
      'CPU µs/req: CPU of Roster and PostgreSQL per request.',
  ];
  if (report.config.small) lines.push('BENCH_SMALL: every count divided by 10; a check of the benchmark, not comparable figures.');
  const rows = checkedRows(report);
  const contended = rows.filter(({ row }) => row.window.otherCpuPercent > OTHER_CPU_WARNING).map(({ label }) => label);
  if (report.busyCpuPercentAtStart > OTHER_CPU_WARNING || contended.length > 0) {
    const when = contended.length > MAX_LISTED ? `during ${contended.length} of ${rows.length} measurements` : contended.length ? `during ${contended.join(', ')}` : 'when the run started';
    lines.push(`WARNING: other processes used the CPU ${when}; those figures are lower than this machine can do (see the "other" CPU column).`);
  }
  return lines;
}

/** The timed scenarios of every dialect, one column group per dialect, matched by scenario number. */
function sideBySide(report: Report): Table {
  const timed = (d: DialectResults) => d.rows.filter((r) => r.wallSeconds === undefined);
  const ids = [...new Set(report.dialects.flatMap((d) => timed(d).map((r) => r.id)))];
  const rows = ids.map((id) => {
    const cells = report.dialects.map((d) => timed(d).find((r) => r.id === id));
    const name = cells.find(Boolean)!.scenario;
    return [id, name, ...cells.flatMap((r) => (r ? [int(r.figures.requestsPerSecond), ms(r.figures.p50Ms), ms(r.figures.p99Ms), String(r.window.peakRssMb), cpu(r.window)] : ['', '', '', '', '']))];
  });
  const header = ['#', 'Scenario', ...report.dialects.flatMap((d) => [`${DIALECT_LABEL[d.dialect]} req/s`, 'p50 ms', 'p99 ms', 'peak RSS MB', cpuHeader(d.dialect)])];
  return { title: 'Hot operations (c=32)', header, rows };
}

function syncTable(report: Report): Table {
  const syncs = (d: DialectResults) => d.rows.filter((r) => r.wallSeconds !== undefined);
  const ids = [...new Set(report.dialects.flatMap((d) => syncs(d).map((r) => r.id)))];
  const rows = ids.map((id) => {
    const cells = report.dialects.map((d) => syncs(d).find((r) => r.id === id));
    const name = cells.find(Boolean)!.scenario;
    return [id, name, ...cells.flatMap((r) => (r ? [String(r.wallSeconds), int(r.figures.requestsPerSecond), ms(r.figures.p99Ms), String(r.window.peakRssMb), cpu(r.window)] : ['', '', '', '', '']))];
  });
  const header = ['#', 'Initial sync (c=8)', ...report.dialects.flatMap((d) => [`${DIALECT_LABEL[d.dialect]} wall s`, 'req/s', 'p99 ms', 'peak RSS MB', cpuHeader(d.dialect)])];
  return { title: 'Initial sync', header, rows };
}

/**
 * CPU that Roster and a local PostgreSQL spent per request, in µs: on a shared machine a steadier measure of an
 * operation's cost than its rate, which drops whenever another process takes a core.
 */
function cpuPerRequestUs(row: Row): number {
  const { serverCpuPercent, databaseCpuPercent = 0 } = row.window;
  return row.figures.requests > 0 ? (((serverCpuPercent + databaseCpuPercent) / 100) * row.figures.seconds * 1e6) / row.figures.requests : Number.NaN;
}

/** Each hot operation on the smallest and the largest directory: the ratio of their rates should be about 1. */
function sizeTable(report: Report): Table | undefined {
  const measured = report.dialects.filter((d) => d.sizes.length >= 2);
  if (measured.length === 0) return undefined;
  const ends = (d: DialectResults) => [d.sizes[0]!, d.sizes[d.sizes.length - 1]!] as const;
  const ids = [...new Set(measured.flatMap((d) => ends(d)[0].rows.map((r) => r.id)))];
  const rows = ids.map((id) => {
    let name = '';
    const cells = measured.flatMap((d) => {
      const [small, large] = ends(d).map((s) => s.rows.find((r) => r.id === id));
      if (!small || !large) return ['', '', '', '', '', ''];
      name = small.scenario;
      const f = [small.figures, large.figures] as const;
      return [
        int(f[0].requestsPerSecond),
        int(f[1].requestsPerSecond),
        ratio(f[1].requestsPerSecond, f[0].requestsPerSecond),
        `${ms(f[0].p99Ms)} / ${ms(f[1].p99Ms)}`,
        `${int(cpuPerRequestUs(small))} / ${int(cpuPerRequestUs(large))}`,
        `${small.window.peakRssMb} / ${large.window.peakRssMb}`,
      ];
    });
    return [id, name, ...cells];
  });
  const header = [
    '#',
    'Operation',
    ...measured.flatMap((d) => {
      const [small, large] = ends(d).map((s) => short(s.users));
      return [
        `${DIALECT_LABEL[d.dialect]} req/s ${small}`,
        `req/s ${large}`,
        `${large} ÷ ${small}`,
        `p99 ms ${small} / ${large}`,
        `CPU µs/req ${small} / ${large}`,
        `peak RSS MB ${small} / ${large}`,
      ];
    }),
  ];
  return { title: 'Hot operations by directory size (c=32)', header, rows };
}

function seedLines(results: DialectResults): string[] {
  return results.sizes.map(({ users, seeding: s, lifetimePeakMb }) => {
    const rate = s.insertSeconds > 0 ? int(s.users / s.insertSeconds) : '-';
    return (
      `${DIALECT_LABEL[results.dialect]}, ${int(users)} users: ${int(s.users)} rows inserted in bulk in ${s.insertSeconds} s (${rate}/s)${s.completed ? '' : ' (INCOMPLETE: deadline)'}, ` +
      `${s.analyzeStatement} ${s.analyzeSeconds} s, benchmark process peak RSS ${s.benchPeakRssMb} MB; Roster's lifetime peak RSS (VmHWM) ${lifetimePeakMb ?? '?'} MB.`
    );
  });
}

/** Every figure of one dialect, as the single-dialect report always showed them. */
function detailTables(results: DialectResults): Table[] {
  const label = DIALECT_LABEL[results.dialect];
  return [
    { title: `${label}: every scenario`, header: header(results.dialect), rows: results.rows.map(rowCells) },
    { title: `${label}: seeding through the API`, header: seedHeader(results.dialect), rows: results.seeding.map(seedCells) },
    ...results.sizes.map((s) => ({ title: `${label}: hot operations on ${int(s.users)} users`, header: header(results.dialect), rows: s.rows.map(rowCells) })),
  ].filter((t) => t.rows.length > 0);
}

function notesOf(results: DialectResults): string[] {
  const label = DIALECT_LABEL[results.dialect];
  return [
    ...results.rows.flatMap((r) => r.notes.map((n) => `${label} ${r.id} ${r.scenario}: ${n}`)),
    ...results.sizes.flatMap((s) => s.rows.flatMap((r) => r.notes.map((n) => `${label} ${short(s.users)} ${r.id} ${r.scenario}: ${n}`))),
    ...seedLines(results),
    ...results.observations.map((o) => `${label}: ${o}`),
  ];
}

function tables(report: Report): { summary: Table[]; details: Table[] } {
  const size = sizeTable(report);
  return {
    summary: [sideBySide(report), syncTable(report), ...(size ? [size] : [])].filter((t) => t.rows.length > 0),
    details: report.dialects.flatMap(detailTables),
  };
}

export function renderText(report: Report): string {
  const { summary, details } = tables(report);
  const section = (t: Table) => [`== ${t.title}`, textTable(t.header, t.rows), ''];
  return [
    'Roster benchmark',
    ...preamble(report),
    baselineLine(report),
    '',
    ...summary.flatMap(section),
    ...details.flatMap(section),
    ...[...report.dialects.flatMap(notesOf), ...report.observations].map((n) => `- ${n}`),
  ].join('\n');
}

export function renderMarkdown(report: Report): string {
  const { summary, details } = tables(report);
  const section = (t: Table) => [`**${t.title}**`, '', markdownTable(t.header, t.rows), ''];
  return [
    ...preamble(report).map((line) => `${line}  `),
    `${baselineLine(report)}.`,
    '',
    ...summary.flatMap(section),
    ...details.flatMap(section),
    ...[...report.dialects.flatMap(notesOf), ...report.observations].map((n) => `- ${n}`),
  ].join('\n');
}

/** Every row that carries targets, for the final PASS/MISS line. */
export function checkedRows(report: Report): Array<{ label: string; row: Row }> {
  return report.dialects.flatMap((d) => [
    ...d.rows.map((row) => ({ label: `${DIALECT_LABEL[d.dialect]} ${row.id}`, row })),
    ...d.sizes.flatMap((s) => s.rows.map((row) => ({ label: `${DIALECT_LABEL[d.dialect]} ${short(s.users)} ${row.id}`, row }))),
  ]);
}
