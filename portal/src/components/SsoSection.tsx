import { useState } from 'react';
import { api } from '../api.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { ConfirmButton } from './ConfirmButton.tsx';
import { EntraSsoSteps } from './EntraSsoSteps.tsx';
import { FormError } from './FormError.tsx';
import { Loadable } from './Loadable.tsx';
import { SsoConnectionDetails } from './SsoConnectionDetails.tsx';
import { SsoConnectionForm } from './SsoConnectionForm.tsx';
import { StatusMessage } from './StatusMessage.tsx';

/** How the organization's people sign in to the operator's apps: with their Microsoft Entra ID accounts. */
export function SsoSection({ organizationId }: { organizationId: string }) {
  const sso = useApiData((signal) => api.ssoConnection(organizationId, signal), [organizationId]);
  const [removed, setRemoved] = useState('');
  // Counts removals: a removed connection's values and "saved" message do not stay in the form for the next one.
  const [removals, setRemovals] = useState(0);
  const remove = useAction(async () => {
    setRemoved('');
    await api.removeSsoConnection(organizationId);
    sso.setData(() => null);
    setRemovals((count) => count + 1);
    setRemoved('Connection removed');
  });
  return (
    <section>
      <h2>Single sign-on</h2>
      <p>People of this organization sign in to your apps with their Microsoft Entra ID accounts, through an app registration in their tenant.</p>
      <Loadable data={sso.data} error={sso.error}>
        {(connection) => (
          // The form keeps its place whether or not there is a connection, so saving the first one keeps its fields,
          // its focus and its "saved" message; only a removal starts it afresh.
          <>
            {connection && <SsoConnectionDetails connection={connection} />}
            <h3>Steps in Microsoft Entra ID</h3>
            <EntraSsoSteps redirectUriShown={connection !== null} />
            <SsoConnectionForm
              key={removals}
              organizationId={organizationId}
              connection={connection}
              onSaved={(saved) => {
                setRemoved('');
                sso.setData(() => saved);
              }}
            />
            {connection && (
              <ConfirmButton
                label="Remove connection"
                question="Remove the Entra ID connection? Nobody of this organization can sign in with Entra ID until it is connected again."
                confirmLabel="Confirm"
                onConfirm={() => remove.run()}
                pending={remove.pending}
              />
            )}
          </>
        )}
      </Loadable>
      <FormError error={remove.error} />
      <StatusMessage>{removed}</StatusMessage>
    </section>
  );
}
