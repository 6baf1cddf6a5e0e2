import { type FormEvent, useId, useState } from 'react';
import { api } from '../api.ts';
import { linesOf } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import type { CreatedOidcClient } from '../types.ts';
import { CopyField } from './CopyField.tsx';
import { FormError } from './FormError.tsx';
import { StatusMessage } from './StatusMessage.tsx';

/** Registers an app with Roster's OpenID provider, then shows its client ID and its secret, the secret this once. */
export function NewOidcClientForm({ onCreated }: { onCreated: () => void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [redirectUris, setRedirectUris] = useState('');
  const [postLogoutRedirectUris, setPostLogoutRedirectUris] = useState('');
  const [native, setNative] = useState(false);
  const [created, setCreated] = useState<CreatedOidcClient | null>(null);
  const create = useAction(async () => {
    const postLogout = linesOf(postLogoutRedirectUris);
    setCreated(
      await api.createOidcClient({
        name: name.trim(),
        redirectUris: linesOf(redirectUris),
        ...(postLogout.length > 0 ? { postLogoutRedirectUris: postLogout } : {}),
        native,
      }),
    );
    setName('');
    setRedirectUris('');
    setPostLogoutRedirectUris('');
    setNative(false);
    onCreated();
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void create.run();
  }
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-heading`} className="card">
      <h2 id={`${id}-heading`}>Add app</h2>
      {created && (
        <>
          <CopyField label="Client ID" value={created.client.clientId} copyLabel="Copy client ID" />
          {created.clientSecret === null ? (
            <p>{created.client.name} is a mobile or desktop app: it has no client secret, and proves each sign-in with PKCE instead.</p>
          ) : (
            <CopyField
              label="Client secret"
              value={created.clientSecret}
              copyLabel="Copy client secret"
              note="Copy it now into the app's configuration: Roster shows a client secret only once."
            />
          )}
        </>
      )}
      <label className="field">
        <span>App name</span>
        <input type="text" value={name} onChange={(event) => setName(event.target.value)} required maxLength={200} />
      </label>
      <label className="field">
        <span>Redirect URIs (one per line)</span>
        <textarea
          value={redirectUris}
          onChange={(event) => setRedirectUris(event.target.value)}
          required
          rows={3}
          spellCheck={false}
          placeholder="https://app.example.com/auth/callback"
          aria-describedby={`${id}-redirect`}
        />
      </label>
      <p id={`${id}-redirect`} className="hint">
        Where Roster sends people back after they sign in: https for a web app (http on localhost while developing); a custom
        scheme or a loopback address for a mobile or desktop app.
      </p>
      <label className="field">
        <span>Post-logout redirect URIs (one per line)</span>
        <textarea
          value={postLogoutRedirectUris}
          onChange={(event) => setPostLogoutRedirectUris(event.target.value)}
          rows={2}
          spellCheck={false}
          placeholder="https://app.example.com/"
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={native} onChange={(event) => setNative(event.target.checked)} aria-describedby={`${id}-native`} />
        <span>Mobile or desktop app (public client, PKCE)</span>
      </label>
      <p id={`${id}-native`} className="hint">
        Such an app cannot keep a secret, so it gets none and proves each sign-in with PKCE instead.
      </p>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.pending}>
          Add app
        </button>
        <StatusMessage>{created && `${created.client.name} added: its client ID is at the top of this form`}</StatusMessage>
      </div>
      <FormError error={create.error} />
    </form>
  );
}
