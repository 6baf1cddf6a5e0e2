import { useMemo } from 'react';
import { api } from '../api.ts';
import { useApiData } from '../hooks/useApiData.ts';
import type { DirectoryStats } from '../types.ts';
import { Loadable } from './Loadable.tsx';
import { type ChartSeries, TimeSeriesChart } from './TimeSeriesChart.tsx';

const hourFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Canvas colours cannot come from the stylesheet: these match its --accent and --danger. */
const COLORS = { requests: '#2563eb', failures: '#dc2626', users: '#0f766e' };

function unixSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** A day of the API (`YYYY-MM-DD`) as the reader's local midnight, so the axis and the table name the same day. */
function localDay(day: string): number {
  return unixSeconds(`${day}T00:00`);
}

function chartsOf(stats: DirectoryStats) {
  const total = stats.requests.reduce((sum, hour) => sum + hour.total, 0);
  const failed = stats.requests.reduce((sum, hour) => sum + hour.failed, 0);
  const requestSeries: ChartSeries[] = [
    { label: 'Requests', values: stats.requests.map((hour) => hour.total), color: COLORS.requests, bars: true },
    { label: 'Failed', values: stats.requests.map((hour) => hour.failed), color: COLORS.failures, bars: true },
  ];
  const userSeries: ChartSeries[] = [{ label: 'Users', values: stats.users.map((day) => day.count), color: COLORS.users }];
  const firstUsers = stats.users[0]?.count ?? 0;
  const lastUsers = stats.users.at(-1)?.count ?? 0;
  return {
    requests: {
      times: stats.requests.map((hour) => unixSeconds(hour.hour)),
      series: requestSeries,
      summary: `Requests in the last 24 hours: ${total.toLocaleString()}, ${failed.toLocaleString()} failed`,
    },
    users: {
      times: stats.users.map((day) => localDay(day.day)),
      series: userSeries,
      summary: `Users in the last 30 days: ${firstUsers.toLocaleString()} 30 days ago, ${lastUsers.toLocaleString()} today`,
    },
  };
}

/** Provisioning requests per hour over the last day and users per day over the last month. */
export function DirectoryCharts({ directoryId }: { directoryId: string }) {
  const stats = useApiData((signal) => api.stats(directoryId, signal), [directoryId]);
  // Derived once per answer: the charts redraw when their arrays change, not each time the page polls.
  const charts = useMemo(() => (stats.data ? chartsOf(stats.data) : undefined), [stats.data]);
  return (
    <section>
      <h2>Activity</h2>
      <Loadable data={charts} error={stats.error}>
        {({ requests, users }) => (
          <div className="charts">
            <TimeSeriesChart
              title="Provisioning requests per hour"
              summary={requests.summary}
              times={requests.times}
              series={requests.series}
              timeHeader="Hour"
              formatTime={(time) => hourFormat.format(time * 1000)}
            />
            <TimeSeriesChart
              title="Users per day"
              summary={users.summary}
              times={users.times}
              series={users.series}
              timeHeader="Day"
              formatTime={(time) => dayFormat.format(time * 1000)}
            />
          </div>
        )}
      </Loadable>
    </section>
  );
}
