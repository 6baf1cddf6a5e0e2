import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DataTable } from './DataTable.tsx';

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
  /** Bars for counts per period; a line for a level over time. */
  bars?: boolean;
}

interface TimeSeriesChartProps {
  title: string;
  /** The chart's accessible name: what a reader would take from looking at it. */
  summary: string;
  /** Unix seconds, one per value of every series. */
  times: number[];
  series: ChartSeries[];
  /** The header and cells of the time column of the data table behind the chart. */
  timeHeader: string;
  formatTime: (unixSeconds: number) => string;
}

const HEIGHT = 200;

/** Counts start at zero and step by whole numbers. */
const countAxis: uPlot.Axis = {
  values: (_chart, splits) => splits.map((value) => (Number.isInteger(value) ? value.toLocaleString() : '')),
};

/**
 * A uPlot chart with an accessible name, and its numbers in a table for screen readers: the canvas says nothing to
 * them. `times` and `series` should keep their identity between renders, or the chart is drawn anew each time.
 */
export function TimeSeriesChart({ title, summary, times, series, timeHeader, formatTime }: TimeSeriesChartProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(
      {
        width: element.clientWidth,
        height: HEIGHT,
        scales: { y: { range: (_chart, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
        axes: [{}, countAxis],
        series: [
          {},
          ...series.map((line) => ({
            label: line.label,
            stroke: line.color,
            fill: line.bars ? line.color : undefined,
            paths: line.bars ? uPlot.paths.bars?.({ size: [0.7, 40] }) : undefined,
            points: { show: !line.bars },
          })),
        ],
      },
      // A bar of zero would still draw its outline along the axis: an hour without failures shows no bar at all.
      [times, ...series.map((line) => (line.bars ? line.values.map((value) => value || null) : line.values))],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [times, series]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={container} role="img" aria-label={summary} />
      <DataTable
        className="visually-hidden"
        caption={title}
        rows={times.map((_, index) => index)}
        rowKey={(index) => String(index)}
        columns={[
          { header: timeHeader, cell: (index) => formatTime(times[index] ?? 0) },
          ...series.map((line) => ({ header: line.label, cell: (index: number) => line.values[index] ?? 0, numeric: true })),
        ]}
      />
    </figure>
  );
}
