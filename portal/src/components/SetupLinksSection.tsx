import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { credentialStatus, formatDateTime, isActive } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { CopyField } from './CopyField.tsx';
import { DataTable } from './DataTable.tsx';
import { FormError } from './FormError.tsx';
import { Loadable } from './Loadable.tsx';

const DEFAULT_HOURS = 72;
const MAX_HOURS = 720;

/** Links that let a customer's IT admin connect their identity provider without an operator account. */
export function SetupLinksSection({ organizationId }: { organizationId: string }) {
  const links = useApiData((signal) => api.setupLinks(organizationId, signal), [organizationId]);
  const [hours, setHours] = useState(String(DEFAULT_HOURS));
  const [freshUrl, setFreshUrl] = useState<string | null>(null);
  const create = useAction(async () => {
    const created = await api.createSetupLink(organizationId, Number(hours));
    setFreshUrl(created.url);
    links.reload();
  });
  const revoke = useAction(async (id: string) => {
    await api.revokeSetupLink(id);
    links.reload();
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void create.run();
  }
  return (
    <section>
      <h2>Setup links</h2>
      <p>A setup link lets your customer's IT admin connect their identity provider to this organization, and nothing more.</p>
      <Loadable data={links.data} error={links.error}>
        {({ data }) => (
          <DataTable
            caption="Setup links"
            hideCaption
            rows={data}
            rowKey={(link) => link.id}
            empty="No setup links."
            columns={[
              { header: 'Prefix', cell: (link) => <code>{link.prefix}</code> },
              { header: 'Created by', cell: (link) => link.createdBy },
              { header: 'Created', cell: (link) => formatDateTime(link.createdAt) },
              { header: 'Expires', cell: (link) => formatDateTime(link.expiresAt) },
              { header: 'Last used', cell: (link) => formatDateTime(link.lastUsedAt) },
              { header: 'Status', cell: (link) => credentialStatus(link) },
              {
                header: 'Actions',
                cell: (link) =>
                  isActive(link) ? (
                    <button type="button" onClick={() => revoke.run(link.id)} disabled={revoke.pending}>
                      Revoke<span className="visually-hidden"> setup link {link.prefix}</span>
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </Loadable>
      <FormError error={revoke.error} />
      {freshUrl && (
        <CopyField
          label="New setup link"
          value={freshUrl}
          copyLabel="Copy setup link"
          note="Copy it now: Roster shows a setup link only once. Send it to your customer's IT admin."
        />
      )}
      <form onSubmit={submit} className="inline-form" aria-label="Create setup link">
        <label className="field">
          <span>Valid for (hours)</span>
          <input type="number" min={1} max={MAX_HOURS} step={1} value={hours} onChange={(event) => setHours(event.target.value)} required />
        </label>
        <button type="submit" disabled={create.pending}>
          Create setup link
        </button>
      </form>
      <FormError error={create.error} />
    </section>
  );
}
