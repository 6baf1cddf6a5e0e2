import { type FormEvent, useId, useState } from 'react';
import { api } from '../api.ts';
import { formatDateTime, LOGIN_METHOD_NAMES } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useApiData } from '../hooks/useApiData.ts';
import type { Guest, PasswordLink } from '../types.ts';
import { ConfirmButton } from './ConfirmButton.tsx';
import { DataTable } from './DataTable.tsx';
import { FormError } from './FormError.tsx';
import { Loadable } from './Loadable.tsx';
import { PasswordLinkField } from './PasswordLinkField.tsx';
import { StatusMessage } from './StatusMessage.tsx';

/**
 * People who sign in with a built-in password without being in the organization's directory (a contractor, an
 * auditor). A guest chooses the password through a one-time link, shown here once: when the guest is added, or anew.
 */
export function GuestsSection({ organizationId }: { organizationId: string }) {
  const headingId = useId();
  const guests = useApiData((signal) => api.guests(organizationId, signal), [organizationId]);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  // One link at a time, whoever it is for: the field's label stays unique on the page.
  const [freshLink, setFreshLink] = useState<{ guest: Guest; link: PasswordLink } | null>(null);
  const [outcome, setOutcome] = useState('');
  const add = useAction(async () => {
    setOutcome('');
    const { guest, passwordLink } = await api.createGuest(organizationId, {
      username: username.trim(),
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      ...(email.trim() ? { email: email.trim() } : {}),
    });
    setFreshLink({ guest, link: passwordLink });
    setOutcome(`Guest ${guest.username} added`);
    setUsername('');
    setDisplayName('');
    setEmail('');
    guests.reload();
  });
  const createLink = useAction(async (guest: Guest) => {
    setOutcome('');
    setFreshLink({ guest, link: await api.createGuestPasswordLink(guest.id) });
    setOutcome(`Password link created for ${guest.username}`);
  });
  const remove = useAction(async (guest: Guest) => {
    setOutcome('');
    await api.removeGuest(guest.id);
    // A link for someone who is gone is of no use any more.
    setFreshLink((fresh) => (fresh?.guest.id === guest.id ? null : fresh));
    setOutcome(`Guest ${guest.username} removed`);
    guests.reload();
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void add.run();
  }
  return (
    <section>
      <h2>Guests</h2>
      <p>Guests sign in to your apps with a password they choose in Roster, without being in this organization's directory.</p>
      <Loadable data={guests.data} error={guests.error}>
        {({ data }) => (
          <DataTable
            caption="Guests"
            hideCaption
            rows={data}
            rowKey={(guest) => guest.id}
            empty="No guests."
            columns={[
              { header: 'Username', cell: (guest) => guest.username },
              { header: 'Display name', cell: (guest) => guest.displayName ?? '—' },
              { header: 'Email', cell: (guest) => guest.email ?? '—' },
              { header: 'Login method', cell: (guest) => LOGIN_METHOD_NAMES[guest.loginMethod] },
              { header: 'Password set', cell: (guest) => (guest.hasPassword ? 'Yes' : 'No') },
              { header: 'Created', cell: (guest) => formatDateTime(guest.createdAt) },
              {
                header: 'Actions',
                cell: (guest) => (
                  <div className="row-actions">
                    <button type="button" onClick={() => createLink.run(guest)} disabled={createLink.pending}>
                      Create password link<span className="visually-hidden"> for {guest.username}</span>
                    </button>
                    <ConfirmButton
                      label="Remove"
                      subject={`guest ${guest.username}`}
                      question={`Remove ${guest.username}? They are signed out of every app and can no longer sign in.`}
                      confirmLabel="Confirm"
                      onConfirm={() => remove.run(guest)}
                      pending={remove.pending}
                    />
                  </div>
                ),
              },
            ]}
          />
        )}
      </Loadable>
      <FormError error={createLink.error} />
      <FormError error={remove.error} />
      <StatusMessage>{outcome}</StatusMessage>
      {freshLink && <PasswordLinkField link={freshLink.link} holder={freshLink.guest.username} />}
      <form onSubmit={submit} aria-labelledby={headingId} className="inline-form">
        <h3 id={headingId}>Add guest</h3>
        <label className="field">
          <span>Username</span>
          <input type="text" value={username} onChange={(event) => setUsername(event.target.value)} required spellCheck={false} autoComplete="off" />
        </label>
        <label className="field">
          <span>Display name</span>
          <input type="text" value={displayName} onChange={(event) => setDisplayName(event.target.value)} autoComplete="off" />
        </label>
        <label className="field">
          <span>Email</span>
          <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="off" />
        </label>
        <button type="submit" disabled={add.pending}>
          Add guest
        </button>
        <FormError error={add.error} />
      </form>
    </section>
  );
}
