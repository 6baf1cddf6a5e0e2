import type { LoadFigures } from './load.ts';
import { type Check, type Row, RSS_LIMIT_MB } from './report.ts';
import { fmt } from './roster-under-test.ts';
import { SIZE } from './settings.ts';
import type { WindowFigures } from './sampler.ts';

export const atLeastRps = (figures: LoadFigures, target: number): Check => ({ label: `>= ${fmt(target)} req/s`, pass: figures.requestsPerSecond >= target });
export const rssBelowLimit = (peakRssMb: number): Check => ({ label: `RSS < ${RSS_LIMIT_MB} MB`, pass: peakRssMb < RSS_LIMIT_MB });
/** Not one of the targets but a validity check: a fast run of 4xx answers measures nothing. */
export const all2xx = (figures: LoadFigures): Check => ({ label: 'all 2xx', pass: figures.errors === 0 && figures.non2xx === 0 });

export function statusNote(figures: LoadFigures): string[] {
  const notes: string[] = [];
  if (figures.errors > 0 || figures.non2xx > 0) notes.push(`status codes ${JSON.stringify(figures.statusCodes)}, ${figures.errors} connection errors/timeouts`);
  if (figures.stoppedAtDeadline) notes.push('stopped at its deadline: incomplete');
  return notes;
}

/** A row of the results table for a timed scenario, with the validity checks every row gets. */
export function timedRow(id: string, name: string, measurement: { result: LoadFigures; window: WindowFigures }, checks: Check[], extra: Partial<Row> = {}): Row {
  const { result: figures, window } = measurement;
  return {
    ...extra,
    id,
    scenario: name,
    concurrency: SIZE.connections,
    figures,
    window,
    checks: [...checks, all2xx(figures), rssBelowLimit(window.peakRssMb)],
    notes: [...(extra.notes ?? []), ...statusNote(figures)],
  };
}
