import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { credentialStatus, formatDateTime, isActive } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { newDirectoryTokens } from '../new-directory-tokens.ts';
import { CopyField } from './CopyField.tsx';
import { DataTable } from './DataTable.tsx';
import { FormError } from './FormError.tsx';
import { Loadable } from './Loadable.tsx';

/**
 * The directory's Secret Tokens. A token is readable only in the answer that created it, so the page shows it then
 * (right after the directory was created, or after "Create new token") and never again.
 */
export function SecretTokens({ directoryId }: { directoryId: string }) {
  const [freshToken, setFreshToken] = useState(() => newDirectoryTokens.peek(directoryId));
  // Leaving the page drops the token the creating form handed over, so coming back does not show it again.
  useEffect(() => () => newDirectoryTokens.forget(directoryId), [directoryId]);
  const tokens = useApiData((signal) => api.tokens(directoryId, signal), [directoryId]);
  const create = useAction(async () => {
    const created = await api.createToken(directoryId);
    setFreshToken(created.token);
    tokens.reload();
  });
  const revoke = useAction(async (tokenId: string) => {
    await api.revokeToken(directoryId, tokenId);
    tokens.reload();
  });
  return (
    <section>
      <h3>Secret Tokens</h3>
      {freshToken ? (
        <CopyField
          label="Secret Token"
          value={freshToken}
          copyLabel="Copy Secret Token"
          note="Copy it now: Roster shows a Secret Token only once, when it is created."
        />
      ) : (
        <p>
          The Secret Token is shown only once, when it is created. If you no longer have it, create a new token, paste it into
          Admin Credentials, then revoke the old one.
        </p>
      )}
      <Loadable data={tokens.data} error={tokens.error}>
        {({ data }) => (
          <DataTable
            caption="Secret Tokens"
            hideCaption
            rows={data}
            rowKey={(token) => token.id}
            columns={[
              { header: 'Prefix', cell: (token) => <code>{token.prefix}</code> },
              { header: 'Created', cell: (token) => formatDateTime(token.createdAt) },
              { header: 'Last used', cell: (token) => formatDateTime(token.lastUsedAt) },
              { header: 'Status', cell: (token) => credentialStatus(token) },
              {
                header: 'Actions',
                cell: (token) =>
                  isActive(token) ? (
                    <button type="button" onClick={() => revoke.run(token.id)} disabled={revoke.pending}>
                      Revoke<span className="visually-hidden"> token {token.prefix}</span>
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </Loadable>
      <FormError error={revoke.error} />
      <button type="button" onClick={() => create.run()} disabled={create.pending}>
        Create new token
      </button>
      <FormError error={create.error} />
    </section>
  );
}
