import { useState } from 'react';
import { api } from '../api.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { FormError } from '../components/FormError.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { NewOidcClientForm } from '../components/NewOidcClientForm.tsx';
import { StatusMessage } from '../components/StatusMessage.tsx';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { OidcClient } from '../types.ts';

/** The operator's apps that sign people in through Roster, as an OpenID Connect provider. */
export function AppsPage() {
  usePageTitle('Apps');
  const clients = useApiData((signal) => api.oidcClients(signal), []);
  const [removed, setRemoved] = useState('');
  const remove = useAction(async (client: OidcClient) => {
    setRemoved('');
    await api.removeOidcClient(client.clientId);
    setRemoved(`${client.name} removed`);
    clients.reload();
  });
  return (
    <>
      <h1>Apps</h1>
      <p>
        Your apps sign people in through Roster with OpenID Connect: Roster sends each person on to Microsoft Entra ID or to
        their built-in password, and the ID token names the user, the organization and their groups.
      </p>
      <Loadable data={clients.data} error={clients.error}>
        {({ data, issuer }) => (
          <>
            <CopyField
              label="Issuer (OpenID Connect discovery)"
              value={issuer}
              copyLabel="Copy issuer"
              note="Give it to the app's OpenID Connect library, which reads the rest from its discovery document."
            />
            <DataTable
              caption="Apps"
              hideCaption
              rows={data}
              rowKey={(client) => client.clientId}
              empty="No apps yet: add the first one below."
              columns={[
                { header: 'Name', cell: (client) => client.name },
                { header: 'Client ID', cell: (client) => <code>{client.clientId}</code> },
                { header: 'Type', cell: (client) => (client.applicationType === 'native' ? 'Mobile or desktop (PKCE)' : 'Web (client secret)') },
                {
                  header: 'Redirect URIs',
                  cell: (client) => (
                    <ul className="plain">
                      {client.redirectUris.map((uri) => (
                        <li key={uri}>
                          <code className="path">{uri}</code>
                        </li>
                      ))}
                    </ul>
                  ),
                },
                {
                  header: 'Actions',
                  cell: (client) => (
                    <ConfirmButton
                      label="Remove"
                      subject={`app ${client.name}`}
                      question={`Remove ${client.name}? It can no longer sign anyone in through Roster. This cannot be undone.`}
                      confirmLabel="Confirm"
                      onConfirm={() => remove.run(client)}
                      pending={remove.pending}
                    />
                  ),
                },
              ]}
            />
          </>
        )}
      </Loadable>
      <FormError error={remove.error} />
      <StatusMessage>{removed}</StatusMessage>
      <NewOidcClientForm onCreated={clients.reload} />
    </>
  );
}
