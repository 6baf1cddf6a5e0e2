import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { Pager } from '../components/Pager.tsx';
import { formatDateTime } from '../format.ts';
import { useCursorPages } from '../hooks/useCursorPages.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';

/** Who did what, newest first: sign-ins, directories, tokens, rules, webhooks, setup links. */
export function AuditLogPage() {
  usePageTitle('Audit log');
  const pages = useCursorPages((after, signal) => api.auditLog(after, signal), []);
  return (
    <>
      <h1>Audit log</h1>
      <Loadable data={pages.rows} error={pages.error}>
        {(entries) => (
          <DataTable
            caption="Audit log, newest first"
            hideCaption
            busy={pages.loading}
            rows={entries}
            rowKey={(entry) => entry.id}
            empty="Nothing recorded yet."
            columns={[
              { header: 'Time', cell: (entry) => <time dateTime={entry.at}>{formatDateTime(entry.at, { seconds: true })}</time> },
              { header: 'Actor', cell: (entry) => entry.actor },
              { header: 'Action', cell: (entry) => <code>{entry.action}</code> },
              { header: 'Target', cell: (entry) => entry.target ?? '—' },
            ]}
          />
        )}
      </Loadable>
      <Pager pages={pages} previousLabel="Newer entries" nextLabel="Older entries" />
    </>
  );
}
