import { type FormEvent, useId, useState } from 'react';
import { api } from '../api.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import type { Directory } from '../types.ts';
import { CopyField } from './CopyField.tsx';
import { FormError } from './FormError.tsx';
import { Loadable } from './Loadable.tsx';

interface NewWebhookFormProps {
  organizationId: string;
  directories: Directory[];
  onCreated: () => void;
}

/** Adds an endpoint, then shows its signing secret this once. */
export function NewWebhookForm({ organizationId, directories, onCreated }: NewWebhookFormProps) {
  const headingId = useId();
  const eventTypes = useApiData((signal) => api.eventTypes(signal), []);
  const [url, setUrl] = useState('');
  const [directoryId, setDirectoryId] = useState('');
  const [selectedTypes, setSelectedTypes] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction(async () => {
    const created = await api.createWebhook(organizationId, {
      url: url.trim(),
      ...(directoryId ? { directoryId } : {}),
      ...(selectedTypes.length > 0 ? { eventTypes: selectedTypes } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
    setSecret(created.secret);
    setUrl('');
    setDirectoryId('');
    setSelectedTypes([]);
    setDescription('');
    onCreated();
  });
  function toggle(type: string, checked: boolean) {
    setSelectedTypes((types) => (checked ? [...types, type] : types.filter((other) => other !== type)));
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    void create.run();
  }
  return (
    <form onSubmit={submit} aria-labelledby={headingId} className="card">
      <h2 id={headingId}>Add endpoint</h2>
      {secret && (
        <CopyField
          label="Signing secret"
          value={secret}
          copyLabel="Copy signing secret"
          note="Copy it now into your app, which checks each delivery's signature with it: Roster shows it only once."
        />
      )}
      <label className="field">
        <span>Endpoint URL</span>
        <input
          type="url"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          required
          placeholder="https://app.example.com/webhooks/roster"
        />
      </label>
      <label className="field">
        <span>Directory</span>
        <select value={directoryId} onChange={(event) => setDirectoryId(event.target.value)}>
          <option value="">All directories</option>
          {directories.map((directory) => (
            <option key={directory.id} value={directory.id}>
              {directory.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Events</legend>
        <p className="hint">None checked: every event type, including those added in later versions.</p>
        <Loadable data={eventTypes.data} error={eventTypes.error}>
          {({ data }) => (
            <div className="checkbox-grid">
              {data.map((type) => (
                <label key={type} className="check">
                  <input type="checkbox" checked={selectedTypes.includes(type)} onChange={(event) => toggle(type, event.target.checked)} />
                  <code>{type}</code>
                </label>
              ))}
            </div>
          )}
        </Loadable>
      </fieldset>
      <label className="field">
        <span>Description</span>
        <input type="text" value={description} onChange={(event) => setDescription(event.target.value)} maxLength={500} />
      </label>
      <button type="submit" className="primary" disabled={create.pending}>
        Add endpoint
      </button>
      <FormError error={create.error} />
    </form>
  );
}
