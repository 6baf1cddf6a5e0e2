import { useCallback } from 'react';
import { Route, Switch } from 'wouter';
import { api } from '../api.ts';
import { Breadcrumbs } from '../components/Breadcrumbs.tsx';
import { DirectoryTabs } from '../components/DirectoryTabs.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { PROVIDER_NAMES } from '../format.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { useSignedInSession } from '../session.tsx';
import type { Directory } from '../types.ts';
import { AttributeRulesPage } from './AttributeRulesPage.tsx';
import { DirectorySetupPage } from './DirectorySetupPage.tsx';
import { GroupPage } from './GroupPage.tsx';
import { GroupsPage } from './GroupsPage.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';
import { ProvisioningLogPage } from './ProvisioningLogPage.tsx';
import { UserPage } from './UserPage.tsx';
import { UsersPage } from './UsersPage.tsx';

/** The pages of one directory, under its name and tabs; the directory is read once for all of them. */
export function DirectoryArea({ directoryId }: { directoryId: string }) {
  const { principal } = useSignedInSession();
  const loaded = useApiData(
    async (signal) => {
      const directory = await api.directory(directoryId, signal);
      return { directory, organization: await api.organization(directory.organizationId, signal) };
    },
    [directoryId],
  );
  const { setData } = loaded;
  const updateDirectory = useCallback(
    (directory: Directory) => setData((current) => current && { ...current, directory }),
    [setData],
  );
  return (
    <Loadable data={loaded.data} error={loaded.error}>
      {({ directory, organization }) => (
        <>
          <Breadcrumbs
            trail={[
              ...(principal.kind === 'operator' ? [{ label: 'Organizations', href: '/orgs' }] : []),
              { label: organization.name, href: `/orgs/${organization.id}` },
            ]}
            current={directory.name}
          />
          <div className="page-heading">
            <h1>{directory.name}</h1>
            <span className="badge">{PROVIDER_NAMES[directory.provider]}</span>
          </div>
          <DirectoryTabs directoryId={directory.id} />
          <Switch>
            <Route path="/directories/:dirId">
              <DirectorySetupPage directory={directory} onUpdate={updateDirectory} />
            </Route>
            <Route path="/directories/:dirId/users">
              <UsersPage directory={directory} />
            </Route>
            <Route path="/directories/:dirId/users/:userId">
              {({ userId }) => <UserPage key={userId} directory={directory} userId={userId} />}
            </Route>
            <Route path="/directories/:dirId/groups">
              <GroupsPage directory={directory} />
            </Route>
            <Route path="/directories/:dirId/groups/:groupId">
              {({ groupId }) => <GroupPage key={groupId} directory={directory} groupId={groupId} />}
            </Route>
            <Route path="/directories/:dirId/log">
              <ProvisioningLogPage directory={directory} />
            </Route>
            <Route path="/directories/:dirId/rules">
              <AttributeRulesPage directory={directory} />
            </Route>
            <Route>
              <NotFoundPage />
            </Route>
          </Switch>
        </>
      )}
    </Loadable>
  );
}
