import { useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { Pager } from '../components/Pager.tsx';
import { useCursorPages } from '../hooks/useCursorPages.ts';
import { useDebouncedValue } from '../hooks/useDebouncedValue.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { Directory } from '../types.ts';

export function GroupsPage({ directory }: { directory: Directory }) {
  usePageTitle(`Groups · ${directory.name}`);
  const [search, setSearch] = useState('');
  const settledSearch = useDebouncedValue(search.trim());
  const pages = useCursorPages(
    (after, signal) => api.groups(directory.id, { search: settledSearch, after }, signal),
    [directory.id, settledSearch],
  );
  return (
    <>
      <h2>Groups</h2>
      <form role="search" aria-label="Groups" className="filters" onSubmit={(event) => event.preventDefault()}>
        <label className="field">
          <span>Search groups</span>
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Group name" />
        </label>
      </form>
      <Loadable data={pages.rows} error={pages.error}>
        {(groups) => (
          <DataTable
            caption="Groups"
            hideCaption
            busy={pages.loading}
            rows={groups}
            rowKey={(group) => group.id}
            empty="No groups."
            columns={[
              {
                header: 'Name',
                cell: (group) => <Link href={`/directories/${directory.id}/groups/${group.id}`}>{group.displayName}</Link>,
              },
              { header: 'External ID', cell: (group) => group.externalId ?? '—' },
            ]}
          />
        )}
      </Loadable>
      <Pager pages={pages} />
    </>
  );
}
