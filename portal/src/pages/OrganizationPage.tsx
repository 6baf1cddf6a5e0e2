import { Link } from 'wouter';
import { api } from '../api.ts';
import { ApiKeysSection } from '../components/ApiKeysSection.tsx';
import { Breadcrumbs } from '../components/Breadcrumbs.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { GuestsSection } from '../components/GuestsSection.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { NewDirectoryForm } from '../components/NewDirectoryForm.tsx';
import { SetupLinksSection } from '../components/SetupLinksSection.tsx';
import { SsoSection } from '../components/SsoSection.tsx';
import { PROVIDER_NAMES } from '../format.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import { useSignedInSession } from '../session.tsx';

/**
 * An organization's directories, single sign-on and guests, which a customer's setup link sets up too; for operators
 * also its webhooks, API keys and setup links.
 */
export function OrganizationPage({ organizationId }: { organizationId: string }) {
  const { principal } = useSignedInSession();
  const organization = useApiData((signal) => api.organization(organizationId, signal), [organizationId]);
  const directories = useApiData((signal) => api.directories(organizationId, signal), [organizationId]);
  usePageTitle(organization.data?.name);
  const isOperator = principal.kind === 'operator';
  return (
    <Loadable data={organization.data} error={organization.error}>
      {(organization) => (
        <>
          {isOperator && <Breadcrumbs trail={[{ label: 'Organizations', href: '/orgs' }]} current={organization.name} />}
          <h1>{organization.name}</h1>
          <section>
            <h2>Directories</h2>
            <Loadable data={directories.data} error={directories.error}>
              {({ data }) => (
                <DataTable
                  caption="Directories"
                  hideCaption
                  rows={data}
                  rowKey={(directory) => directory.id}
                  empty="No directories yet: create one below, then connect the identity provider to it."
                  columns={[
                    { header: 'Name', cell: (directory) => <Link href={`/directories/${directory.id}`}>{directory.name}</Link> },
                    { header: 'Provider', cell: (directory) => PROVIDER_NAMES[directory.provider] },
                    { header: 'Status', cell: (directory) => (directory.status === 'connected' ? 'Connected' : 'Waiting for first request') },
                    { header: 'Users', cell: (directory) => directory.userCount.toLocaleString(), numeric: true },
                    { header: 'Groups', cell: (directory) => directory.groupCount.toLocaleString(), numeric: true },
                  ]}
                />
              )}
            </Loadable>
          </section>
          <NewDirectoryForm organizationId={organization.id} />
          <SsoSection organizationId={organization.id} />
          <GuestsSection organizationId={organization.id} />
          {isOperator && (
            <>
              <section>
                <h2>Webhooks</h2>
                <p>
                  Roster sends every change in this organization's directories to your app's endpoints.{' '}
                  <Link href={`/orgs/${organization.id}/webhooks`}>Manage webhooks</Link>
                </p>
              </section>
              <ApiKeysSection organizationId={organization.id} />
              <SetupLinksSection organizationId={organization.id} />
            </>
          )}
        </>
      )}
    </Loadable>
  );
}
