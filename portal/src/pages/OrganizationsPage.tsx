import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { FormError } from '../components/FormError.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { formatDateTime } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';

/** Every organization (the operator's customers), and a form to add one. */
export function OrganizationsPage() {
  usePageTitle('Organizations');
  const [, navigate] = useLocation();
  const organizations = useApiData((signal) => api.organizations(signal), []);
  const [name, setName] = useState('');
  // A new organization has nothing yet: its page is where its first directory is made.
  const create = useAction(async () => {
    const organization = await api.createOrganization(name.trim());
    navigate(`/orgs/${organization.id}`);
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void create.run();
  }
  return (
    <>
      <h1>Organizations</h1>
      <Loadable data={organizations.data} error={organizations.error}>
        {({ data }) => (
          <DataTable
            caption="Organizations"
            hideCaption
            rows={data}
            rowKey={(organization) => organization.id}
            empty="No organizations yet: create the first one below."
            columns={[
              { header: 'Name', cell: (organization) => <Link href={`/orgs/${organization.id}`}>{organization.name}</Link> },
              { header: 'Directories', cell: (organization) => organization.directoryCount, numeric: true },
              { header: 'Created', cell: (organization) => formatDateTime(organization.createdAt) },
            ]}
          />
        )}
      </Loadable>
      <form onSubmit={submit} aria-labelledby="new-organization" className="card inline-form">
        <h2 id="new-organization">New organization</h2>
        <label className="field">
          <span>Organization name</span>
          <input type="text" value={name} onChange={(event) => setName(event.target.value)} required maxLength={200} />
        </label>
        <button type="submit" className="primary" disabled={create.pending}>
          Create organization
        </button>
        <FormError error={create.error} />
      </form>
    </>
  );
}
