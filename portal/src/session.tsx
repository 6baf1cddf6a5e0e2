import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { onUnauthorized, setCsrfToken } from './api.ts';
import type { Session } from './types.ts';

interface SessionState {
  /** Null until signed in, or until the page asked the API for the session it came with. */
  session: Session | null;
  setSession(session: Session | null): void;
}

const SessionContext = createContext<SessionState | null>(null);

/** Holds the signed-in session, and sends the user to sign in whenever the API answers 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSessionState] = useState<Session | null>(null);
  const [, navigate] = useLocation();
  const setSession = useCallback((next: Session | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setSessionState(next);
  }, []);
  useEffect(
    () =>
      onUnauthorized(() => {
        setSession(null);
        navigate('/login', { replace: true });
      }),
    [navigate, setSession],
  );
  const value = useMemo(() => ({ session, setSession }), [session, setSession]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The session of a page behind RequireSession, which renders its pages only once there is one. */
export function useSignedInSession(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useSignedInSession outside RequireSession');
  return session;
}
