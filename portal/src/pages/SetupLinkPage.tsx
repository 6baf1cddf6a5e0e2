import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { ApiError, api } from '../api.ts';
import { FormError } from '../components/FormError.tsx';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import { useSession } from '../session.tsx';

/** The token of a setup link travels in the fragment (`/portal/setup#<token>`), which browsers never send anywhere. */
function tokenFromHash(): string {
  return window.location.hash.slice(1);
}

/** Where a customer's setup link lands: trades its token for a session, then opens the organization. */
export function SetupLinkPage() {
  usePageTitle('Setup link');
  const { setSession } = useSession();
  const [, navigate] = useLocation();
  // Read before the effect below takes the token out of the address bar.
  const [token, setToken] = useState(tokenFromHash);
  const [failure, setFailure] = useState<unknown>(null);
  // A new link pasted into the tab that shows a refused one changes only the fragment: the page is not loaded anew.
  useEffect(() => {
    function takeNewToken() {
      const next = tokenFromHash();
      if (!next) return;
      setFailure(null);
      setToken(next);
    }
    window.addEventListener('hashchange', takeNewToken);
    return () => window.removeEventListener('hashchange', takeNewToken);
  }, []);
  useEffect(() => {
    // The token is a credential: off the address bar and out of the history before anything else happens.
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    if (!token) return;
    const controller = new AbortController();
    api.openSetupLink(token, controller.signal).then(
      (session) => {
        setSession(session);
        const { principal } = session;
        navigate(principal.kind === 'setup' ? `/orgs/${principal.organizationId}` : '/orgs', { replace: true });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setFailure(error);
      },
    );
    return () => controller.abort();
  }, [token, navigate, setSession]);
  // 401 is the API's answer for an unknown, revoked or expired link; anything else (no network) is said as it is.
  const refused = !token || (failure instanceof ApiError && failure.status === 401);
  return (
    <main id="main" className="sign-in">
      <h1>Roster</h1>
      <div className="card">
        {refused ? (
          <>
            <h2>Setup link</h2>
            <p role="alert">This setup link is invalid or has expired.</p>
            <p>Ask whoever sent it for a new one.</p>
          </>
        ) : failure ? (
          <FormError error={failure} />
        ) : (
          <p role="status">Opening your setup link…</p>
        )}
      </div>
    </main>
  );
}
