import { useState } from 'react';
import { api } from '../api.ts';
import { credentialStatus, formatDateTime, isActive } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { CopyField } from './CopyField.tsx';
import { DataTable } from './DataTable.tsx';
import { FormError } from './FormError.tsx';
import { Loadable } from './Loadable.tsx';

/** The organization's API keys, with which the operator's app reads its directories and events. */
export function ApiKeysSection({ organizationId }: { organizationId: string }) {
  const keys = useApiData((signal) => api.apiKeys(organizationId, signal), [organizationId]);
  const [freshKey, setFreshKey] = useState<string | null>(null);
  const create = useAction(async () => {
    const created = await api.createApiKey(organizationId);
    setFreshKey(created.key);
    keys.reload();
  });
  const revoke = useAction(async (id: string) => {
    await api.revokeApiKey(id);
    keys.reload();
  });
  return (
    <section>
      <h2>API keys</h2>
      <Loadable data={keys.data} error={keys.error}>
        {({ data }) => (
          <DataTable
            caption="API keys"
            hideCaption
            rows={data}
            rowKey={(key) => key.id}
            empty="No API keys."
            columns={[
              { header: 'Prefix', cell: (key) => <code>{key.prefix}</code> },
              { header: 'Created', cell: (key) => formatDateTime(key.createdAt) },
              { header: 'Last used', cell: (key) => formatDateTime(key.lastUsedAt) },
              { header: 'Status', cell: (key) => credentialStatus(key) },
              {
                header: 'Actions',
                cell: (key) =>
                  isActive(key) ? (
                    <button type="button" onClick={() => revoke.run(key.id)} disabled={revoke.pending}>
                      Revoke<span className="visually-hidden"> API key {key.prefix}</span>
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </Loadable>
      <FormError error={revoke.error} />
      {freshKey && (
        <CopyField label="New API key" value={freshKey} copyLabel="Copy API key" note="Copy it now: Roster shows an API key only once." />
      )}
      <button type="button" onClick={() => create.run()} disabled={create.pending}>
        Create API key
      </button>
      <FormError error={create.error} />
    </section>
  );
}
