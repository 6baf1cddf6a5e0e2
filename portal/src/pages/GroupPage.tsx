import { Link } from 'wouter';
import { api } from '../api.ts';
import { DefinitionList } from '../components/DefinitionList.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { Pager } from '../components/Pager.tsx';
import { RawJson } from '../components/RawJson.tsx';
import { UserTable } from '../components/UserTable.tsx';
import { useApiData } from '../hooks/useApiData.ts';
import { useCursorPages } from '../hooks/useCursorPages.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { Directory } from '../types.ts';

export function GroupPage({ directory, groupId }: { directory: Directory; groupId: string }) {
  const group = useApiData((signal) => api.group(directory.id, groupId, signal), [directory.id, groupId]);
  const members = useCursorPages((after, signal) => api.groupMembers(directory.id, groupId, after, signal), [directory.id, groupId]);
  usePageTitle(group.data && `${group.data.displayName} · ${directory.name}`);
  return (
    <>
      <p>
        <Link href={`/directories/${directory.id}/groups`}>← All groups</Link>
      </p>
      <Loadable data={group.data} error={group.error}>
        {(group) => (
          <>
            <h2>{group.displayName}</h2>
            <DefinitionList
              items={[
                ['External ID', group.externalId],
                ['Roster ID', <code key="id">{group.id}</code>],
              ]}
            />
          </>
        )}
      </Loadable>
      <section>
        <h3>Members</h3>
        <Loadable data={members.rows} error={members.error}>
          {(users) => <UserTable directoryId={directory.id} users={users} caption="Members" busy={members.loading} />}
        </Loadable>
        <Pager pages={members} />
      </section>
      {group.data && <RawJson value={group.data.raw} />}
    </>
  );
}
