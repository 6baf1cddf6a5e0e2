import { type FormEvent, useId, useState } from 'react';
import { api } from '../api.ts';
import { LOGIN_METHOD_NAMES } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import type { LoginMethod, SignInSettings } from '../types.ts';
import { FormError } from './FormError.tsx';
import { StatusMessage } from './StatusMessage.tsx';

interface LoginMethodFormProps {
  directoryId: string;
  userId: string;
  saved: LoginMethod;
  onSaved: (settings: SignInSettings) => void;
}

/** Switches a user between signing in with Entra ID and with a built-in password. */
export function LoginMethodForm({ directoryId, userId, saved, onSaved }: LoginMethodFormProps) {
  const hintId = useId();
  const [method, setMethod] = useState(saved);
  const [outcome, setOutcome] = useState('');
  const save = useAction(async () => {
    setOutcome('');
    onSaved(await api.saveLoginMethod(directoryId, userId, method));
    setOutcome('Login method saved');
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void save.run();
  }
  // No accessible name on the form: any name with "login method" in it would also match a search for the select by label.
  return (
    <form onSubmit={submit} className="inline-form">
      <label className="field">
        <span>Login method</span>
        <select value={method} onChange={(event) => setMethod(event.target.value as LoginMethod)} aria-describedby={hintId}>
          {Object.entries(LOGIN_METHOD_NAMES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={save.pending}>
        Save login method
      </button>
      <p id={hintId} className="hint">
        A change signs the person out of every app. With the built-in password, the person first chooses one through a password
        link.
      </p>
      <StatusMessage>{outcome}</StatusMessage>
      <FormError error={save.error} />
    </form>
  );
}
