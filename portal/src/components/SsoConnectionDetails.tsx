import { useId, useState } from 'react';
import { api } from '../api.ts';
import { count, formatDateTime, formatDay } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import type { SsoConnection } from '../types.ts';
import { CopyField } from './CopyField.tsx';
import { DefinitionList } from './DefinitionList.tsx';
import { FormError } from './FormError.tsx';

const DAY_MS = 24 * 60 * 60 * 1000;
const WARN_DAYS = 30;

/** What to say about the client secret's expiry: nothing while it is more than 30 days away. */
function expiryWarning(expiresAt: string | null): string | null {
  if (!expiresAt) return null;
  const left = Date.parse(expiresAt) - Date.now();
  const renew = 'In Entra, create a new secret under Certificates & secrets, and save it here with its expiry.';
  if (left <= 0) return `The client secret expired on ${formatDay(expiresAt)}: nobody can sign in with Entra ID. ${renew}`;
  if (left > WARN_DAYS * DAY_MS) return null;
  return `The client secret expires on ${formatDay(expiresAt)}, in ${count(Math.ceil(left / DAY_MS), 'day')}. ${renew}`;
}

const PLATFORM_NAMES = { web: 'Web', mobileAndDesktop: 'Mobile and desktop applications' } as const;

/** The saved connection: its ids, the Redirect URI to register in Entra (on its platform), and a test sign-in. */
export function SsoConnectionDetails({ connection }: { connection: SsoConnection }) {
  const testHintId = useId();
  const [testUrl, setTestUrl] = useState<string | null>(null);
  const test = useAction(async () => {
    setTestUrl(null);
    const { url } = await api.testSsoSignIn(connection.organizationId);
    setTestUrl(url);
    // Opened after the request, which some browsers no longer count as the click's doing and block: the link below
    // is there for them.
    window.open(url, '_blank', 'noopener');
  });
  const warning = expiryWarning(connection.clientSecretExpiresAt);
  const redirectUri = connection.redirectUris[connection.platform][0];
  const platformName = PLATFORM_NAMES[connection.platform];
  return (
    <>
      <DefinitionList
        items={[
          ['Application (client) ID', <code key="client">{connection.clientId}</code>],
          ['Tenant ID', <code key="tenant">{connection.tenantId}</code>],
          ['Issuer', <code key="issuer">{connection.issuer}</code>],
          connection.platform === 'web'
            ? ['Client secret expires', connection.clientSecretExpiresAt ? formatDay(connection.clientSecretExpiresAt) : 'Not given']
            : ['Client secret', 'None: a public client, with PKCE'],
          ['Just-in-time accounts', connection.justInTime ? 'On' : 'Off'],
          ['Last changed', formatDateTime(connection.updatedAt)],
        ]}
      />
      {warning && (
        <p role="status" className="notice warning">
          {warning}
        </p>
      )}
      {redirectUri && <CopyField label={`Redirect URI (${platformName} platform)`} value={redirectUri} copyLabel="Copy redirect URI" />}
      <CopyField label="Front-channel logout URL" value={connection.frontChannelLogoutUrl} copyLabel="Copy front-channel logout URL" />
      <div className="action">
        <button type="button" onClick={() => test.run()} disabled={test.pending} aria-describedby={testHintId}>
          Test sign-in
        </button>
        <p id={testHintId} className="hint">
          Opens Entra ID's sign-in in a new tab; afterwards Roster shows the ID token's claims and the user they link to, or why
          they are refused.
        </p>
        {testUrl && (
          <p>
            <a href={testUrl} target="_blank" rel="noopener">
              Open the test sign-in
            </a>{' '}
            (if the browser blocked the new tab)
          </p>
        )}
        <FormError error={test.error} />
      </div>
    </>
  );
}
