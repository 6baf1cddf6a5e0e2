import type { ReactNode } from 'react';
import { api } from '../api.ts';
import { useApiData } from '../hooks/useApiData.ts';
import { useSession } from '../session.tsx';
import { FormError } from './FormError.tsx';

/**
 * Renders its pages once there is a session: the one just signed in with, else the one the browser's cookie holds
 * (asked of the API on a reload). Without one the API answers 401, which sends the user to sign in.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const { session, setSession } = useSession();
  const { error } = useApiData(
    async (signal) => {
      if (session) return session;
      const current = await api.session(signal);
      setSession(current);
      return current;
    },
    // Asked once: signing out sets no session and navigates to the sign-in page at the same time.
    [],
  );
  if (session) return children;
  return error ? <FormError error={error} /> : <p className="loading">Loading…</p>;
}
