import { useState } from 'react';
import { api } from '../api.ts';
import { Loadable } from '../components/Loadable.tsx';
import { Pager } from '../components/Pager.tsx';
import { UserTable } from '../components/UserTable.tsx';
import { useCursorPages } from '../hooks/useCursorPages.ts';
import { useDebouncedValue } from '../hooks/useDebouncedValue.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { Directory } from '../types.ts';

type StatusFilter = '' | 'active' | 'deactivated';

export function UsersPage({ directory }: { directory: Directory }) {
  usePageTitle(`Users · ${directory.name}`);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<StatusFilter>('');
  const settledSearch = useDebouncedValue(search.trim());
  const pages = useCursorPages(
    (after, signal) => api.users(directory.id, { search: settledSearch, status, after }, signal),
    [directory.id, settledSearch, status],
  );
  return (
    <>
      <h2>Users</h2>
      <form role="search" aria-label="Users" className="filters" onSubmit={(event) => event.preventDefault()}>
        <label className="field">
          <span>Search users</span>
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Name or email" />
        </label>
        <label className="field">
          <span>Status</span>
          <select value={status} onChange={(event) => setStatus(event.target.value as StatusFilter)}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="deactivated">Deactivated</option>
          </select>
        </label>
      </form>
      <Loadable data={pages.rows} error={pages.error}>
        {(users) => <UserTable directoryId={directory.id} users={users} caption="Users" busy={pages.loading} />}
      </Loadable>
      <Pager pages={pages} />
    </>
  );
}
