import { type FormEvent, useId, useState } from 'react';
import { api } from '../api.ts';
import { useAction } from '../hooks/useAction.ts';
import type { EntraPlatform, SsoConnection } from '../types.ts';
import { FormError } from './FormError.tsx';
import { StatusMessage } from './StatusMessage.tsx';

interface SsoConnectionFormProps {
  organizationId: string;
  /** Null to connect for the first time. */
  connection: SsoConnection | null;
  onSaved: (connection: SsoConnection) => void;
}

/**
 * Connects the organization's Entra ID app registration, or changes it. The client secret is write-only: the field
 * starts empty, and left empty on a change keeps the stored one. Without a secret, Roster signs in as a public client
 * through the Mobile and desktop applications platform.
 */
export function SsoConnectionForm({ organizationId, connection, onSaved }: SsoConnectionFormProps) {
  const id = useId();
  const [clientId, setClientId] = useState(connection?.clientId ?? '');
  // The API keeps the tenant id, not what was typed (a domain or an Authority URL): the id is valid input too.
  const [authority, setAuthority] = useState(connection?.tenantId ?? '');
  const [platform, setPlatform] = useState<EntraPlatform>(connection?.platform ?? 'web');
  const [clientSecret, setClientSecret] = useState('');
  // A date input takes YYYY-MM-DD; the API keeps the day entered as midnight UTC, so its first ten characters.
  const [expiresOn, setExpiresOn] = useState(connection?.clientSecretExpiresAt?.slice(0, 10) ?? '');
  const [justInTime, setJustInTime] = useState(connection?.justInTime ?? false);
  const [saved, setSaved] = useState('');
  const save = useAction(async () => {
    setSaved('');
    const secret = clientSecret.trim();
    const web = platform === 'web';
    const result = await api.saveSsoConnection(organizationId, {
      clientId: clientId.trim(),
      authority: authority.trim(),
      ...(!web ? { clientSecret: null } : secret ? { clientSecret: secret } : {}),
      ...(web ? { clientSecretExpiresAt: expiresOn || null } : {}),
      justInTime,
    });
    setClientSecret('');
    setSaved('Connection saved');
    onSaved(result);
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void save.run();
  }
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-heading`} className="card">
      <h3 id={`${id}-heading`}>{connection ? 'Edit connection' : 'Connect Microsoft Entra ID'}</h3>
      <label className="field">
        <span>Application (client) ID</span>
        <input
          type="text"
          value={clientId}
          onChange={(event) => setClientId(event.target.value)}
          required
          maxLength={100}
          spellCheck={false}
          autoComplete="off"
          placeholder="00000000-0000-0000-0000-000000000000"
        />
      </label>
      <label className="field">
        <span>Directory (tenant) ID or Authority</span>
        <input
          type="text"
          value={authority}
          onChange={(event) => setAuthority(event.target.value)}
          required
          maxLength={500}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-authority`}
        />
      </label>
      <p id={`${id}-authority`} className="hint">
        The Directory (tenant) ID, a domain of the tenant such as <code>contoso.onmicrosoft.com</code>, or the Authority URL{' '}
        <code>https://login.microsoftonline.com/…</code>. Not <code>common</code>, <code>organizations</code> or{' '}
        <code>consumers</code>: only people of this organization's tenant may sign in.
      </p>
      <fieldset className="field" aria-describedby={`${id}-platform`}>
        <legend>How Roster signs in to Entra ID</legend>
        <label className="check">
          <input type="radio" name={`${id}-platform`} checked={platform === 'web'} onChange={() => setPlatform('web')} />
          <span>With a client secret (Web platform)</span>
        </label>
        <label className="check">
          <input type="radio" name={`${id}-platform`} checked={platform === 'mobileAndDesktop'} onChange={() => setPlatform('mobileAndDesktop')} />
          <span>Without a secret, as a public client (Mobile and desktop applications platform)</span>
        </label>
      </fieldset>
      <p id={`${id}-platform`} className="hint">
        A public client proves itself with PKCE alone, so there is no secret to renew before it expires. Register the
        redirect URI shown after saving under the platform you choose.
      </p>
      {platform === 'web' && (
        <>
          <label className="field">
            <span>Client secret</span>
            {/* new-password: browsers otherwise offer to fill in the admin's own saved password. */}
            <input
              type="password"
              value={clientSecret}
              onChange={(event) => setClientSecret(event.target.value)}
              required={connection?.platform !== 'web'}
              maxLength={1000}
              autoComplete="new-password"
              aria-describedby={`${id}-secret`}
            />
          </label>
          <p id={`${id}-secret`} className="hint">
            {connection?.platform === 'web'
              ? 'Leave it empty to keep the stored secret. Roster never shows a stored secret.'
              : "The secret's Value from Certificates & secrets. Roster never shows it again."}
          </p>
          <label className="field">
            <span>Client secret expires on</span>
            <input type="date" value={expiresOn} onChange={(event) => setExpiresOn(event.target.value)} aria-describedby={`${id}-expiry`} />
          </label>
          <p id={`${id}-expiry`} className="hint">
            As Entra shows it under Certificates &amp; secrets. Roster warns here 30 days before it expires.
          </p>
        </>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={justInTime}
          onChange={(event) => setJustInTime(event.target.checked)}
          aria-describedby={`${id}-just-in-time`}
        />
        <span>Create accounts just in time for people who are not provisioned</span>
      </label>
      <p id={`${id}-just-in-time`} className="hint">
        Anyone of the tenant who matches no provisioned user then gets an account on first sign-in. Off, only people the
        directory provisioned can sign in.
      </p>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.pending}>
          Save connection
        </button>
        <StatusMessage>{saved}</StatusMessage>
      </div>
      <FormError error={save.error} />
    </form>
  );
}
