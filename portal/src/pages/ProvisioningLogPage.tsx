import { useState } from 'react';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { Pager } from '../components/Pager.tsx';
import { formatDateTime } from '../format.ts';
import { useCursorPages } from '../hooks/useCursorPages.ts';
import { useDebouncedValue } from '../hooks/useDebouncedValue.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { Directory, LogEntry } from '../types.ts';

/** A datetime-local value is the reader's local time; the API takes ISO instants. */
function isoFromLocal(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

function failed(entry: LogEntry): boolean {
  return entry.status >= 400 || entry.error !== null;
}

/** Every request the identity provider made, newest first, with why the failed ones failed. */
export function ProvisioningLogPage({ directory }: { directory: Directory }) {
  usePageTitle(`Provisioning log · ${directory.name}`);
  const [failedOnly, setFailedOnly] = useState(false);
  const [user, setUser] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const settledUser = useDebouncedValue(user.trim());
  const since = isoFromLocal(from);
  const until = isoFromLocal(to);
  const pages = useCursorPages(
    (after, signal) => api.log(directory.id, { failed: failedOnly, user: settledUser, since, until, after }, signal),
    [directory.id, failedOnly, settledUser, since, until],
  );
  return (
    <>
      <h2>Provisioning log</h2>
      <form role="search" aria-label="Provisioning log" className="filters" onSubmit={(event) => event.preventDefault()}>
        <label className="check">
          <input type="checkbox" checked={failedOnly} onChange={(event) => setFailedOnly(event.target.checked)} />
          <span>Failed only</span>
        </label>
        <label className="field">
          <span>User</span>
          <input type="text" value={user} onChange={(event) => setUser(event.target.value)} placeholder="Name or id" />
        </label>
        <label className="field">
          <span>From</span>
          <input type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label className="field">
          <span>To</span>
          <input type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
        </label>
      </form>
      <Loadable data={pages.rows} error={pages.error}>
        {(entries) => (
          <DataTable
            caption="Provisioning requests, newest first"
            hideCaption
            busy={pages.loading}
            rows={entries}
            rowKey={(entry) => entry.id}
            rowClassName={(entry) => (failed(entry) ? 'failed' : undefined)}
            empty="No requests."
            columns={[
              { header: 'Time', cell: (entry) => <time dateTime={entry.at}>{formatDateTime(entry.at, { seconds: true })}</time> },
              { header: 'Method', cell: (entry) => entry.method },
              { header: 'Path', cell: (entry) => <code className="path">{entry.path}</code> },
              { header: 'Status', cell: (entry) => entry.status, numeric: true },
              { header: 'Resource', cell: (entry) => entry.label ?? entry.resourceId ?? '—' },
              { header: 'Duration', cell: (entry) => `${entry.durationMs.toLocaleString()} ms`, numeric: true },
              { header: 'Why it failed', cell: (entry) => (failed(entry) ? (entry.explanation ?? entry.error ?? `HTTP ${entry.status}`) : '') },
            ]}
          />
        )}
      </Loadable>
      <Pager pages={pages} previousLabel="Newer entries" nextLabel="Older entries" />
    </>
  );
}
