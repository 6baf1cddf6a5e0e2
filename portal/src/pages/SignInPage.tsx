import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { ApiError, api } from '../api.ts';
import { FormError } from '../components/FormError.tsx';
import { useAction } from '../hooks/useAction.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import { useSession } from '../session.tsx';

/** The API's refusals, worded for the sign-in form. */
function signInError(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  if (error.status === 401) return new Error('Wrong username or password');
  if (error.status === 429 && error.retryAfterSeconds !== null) {
    return new Error(`Too many attempts: try again in ${error.retryAfterSeconds} seconds`);
  }
  return error;
}

/** An operator signs in with an account made by `roster admin create`. */
export function SignInPage() {
  usePageTitle('Sign in');
  const { setSession } = useSession();
  const [, navigate] = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction(async () => {
    setSession(await api.signIn(username, password));
    navigate('/orgs', { replace: true });
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void signIn.run();
  }
  return (
    <main id="main" className="sign-in">
      <h1>
        Roster <span className="subtitle">admin portal</span>
      </h1>
      <form onSubmit={submit} aria-labelledby="sign-in-heading" className="card">
        <h2 id="sign-in-heading">Sign in</h2>
        <label className="field">
          <span>Username</span>
          <input type="text" value={username} onChange={(event) => setUsername(event.target.value)} autoComplete="username" required autoFocus />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <FormError error={signInError(signIn.error)} />
        <button type="submit" className="primary" disabled={signIn.pending}>
          Sign in
        </button>
      </form>
    </main>
  );
}
