import { type FormEvent, useId, useState } from 'react';
import { useLocation } from 'wouter';
import { api } from '../api.ts';
import { PROVIDER_NAMES } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { newDirectoryTokens } from '../new-directory-tokens.ts';
import type { Provider } from '../types.ts';
import { FormError } from './FormError.tsx';

/** Creates a directory, then opens its setup page, which shows the Secret Token this once. */
export function NewDirectoryForm({ organizationId }: { organizationId: string }) {
  const headingId = useId();
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [provider, setProvider] = useState<Provider>('entra');
  const create = useAction(async () => {
    const { directory, token } = await api.createDirectory(organizationId, name.trim(), provider);
    newDirectoryTokens.keep(directory.id, token);
    navigate(`/directories/${directory.id}`);
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void create.run();
  }
  return (
    <form onSubmit={submit} aria-labelledby={headingId} className="card inline-form">
      <h2 id={headingId}>New directory</h2>
      <label className="field">
        <span>Directory name</span>
        <input type="text" value={name} onChange={(event) => setName(event.target.value)} required maxLength={200} />
      </label>
      <label className="field">
        <span>Identity provider</span>
        <select value={provider} onChange={(event) => setProvider(event.target.value as Provider)}>
          {Object.entries(PROVIDER_NAMES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={create.pending}>
        Create directory
      </button>
      <FormError error={create.error} />
    </form>
  );
}
