import { Link } from 'wouter';
import { api } from '../api.ts';
import { Breadcrumbs } from '../components/Breadcrumbs.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { NewWebhookForm } from '../components/NewWebhookForm.tsx';
import { endpointStatus, eventTypesOf } from '../format.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';

/** The endpoints of the operator's app that receive an organization's events. */
export function WebhooksPage({ organizationId }: { organizationId: string }) {
  const context = useApiData(
    async (signal) => {
      const [organization, directories] = await Promise.all([api.organization(organizationId, signal), api.directories(organizationId, signal)]);
      return { organization, directories: directories.data };
    },
    [organizationId],
  );
  const endpoints = useApiData((signal) => api.webhooks(organizationId, signal), [organizationId]);
  usePageTitle(context.data && `Webhooks · ${context.data.organization.name}`);
  return (
    <Loadable data={context.data} error={context.error}>
      {({ organization, directories }) => {
        const directoryNames = new Map(directories.map((directory) => [directory.id, directory.name]));
        return (
          <>
            <Breadcrumbs
              trail={[
                { label: 'Organizations', href: '/orgs' },
                { label: organization.name, href: `/orgs/${organization.id}` },
              ]}
              current="Webhooks"
            />
            <h1>Webhooks</h1>
            <Loadable data={endpoints.data} error={endpoints.error}>
              {({ data }) => (
                <DataTable
                  caption="Endpoints"
                  rows={data}
                  rowKey={(endpoint) => endpoint.id}
                  empty="No endpoints yet."
                  columns={[
                    { header: 'URL', cell: (endpoint) => <Link href={`/webhooks/${endpoint.id}`}>{endpoint.url}</Link> },
                    {
                      header: 'Directory',
                      cell: (endpoint) =>
                        endpoint.directoryId ? (directoryNames.get(endpoint.directoryId) ?? endpoint.directoryId) : 'All directories',
                    },
                    { header: 'Events', cell: eventTypesOf },
                    { header: 'Status', cell: endpointStatus },
                    { header: 'Description', cell: (endpoint) => endpoint.description ?? '' },
                  ]}
                />
              )}
            </Loadable>
            <NewWebhookForm organizationId={organization.id} directories={directories} onCreated={endpoints.reload} />
          </>
        );
      }}
    </Loadable>
  );
}
