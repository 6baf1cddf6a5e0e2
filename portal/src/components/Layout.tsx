import { type ReactNode, useEffect, useRef } from 'react';
import { Link, useLocation } from 'wouter';
import { api } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useSession, useSignedInSession } from '../session.tsx';
import { FormError } from './FormError.tsx';
import { NavLink } from './NavLink.tsx';

/** The frame of every signed-in page: product name, navigation, who is signed in, and the page itself. */
export function Layout({ children }: { children: ReactNode }) {
  const { principal } = useSignedInSession();
  const { setSession } = useSession();
  const [location, navigate] = useLocation();
  const main = useRef<HTMLElement>(null);
  // A new page starts at its content for keyboard and screen reader users, as it would after a full page load.
  useEffect(() => main.current?.focus(), [location]);
  const signOut = useAction(async () => {
    await api.signOut();
    setSession(null);
    navigate('/login', { replace: true });
  });
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <Link href="/" className="product-name">
          Roster
        </Link>
        <nav aria-label="Main">
          <ul>
            {principal.kind === 'operator' ? (
              <>
                <li>
                  <NavLink href="/orgs" prefix>
                    Organizations
                  </NavLink>
                </li>
                <li>
                  <NavLink href="/apps">Apps</NavLink>
                </li>
                <li>
                  <NavLink href="/audit">Audit log</NavLink>
                </li>
              </>
            ) : (
              // A setup link opens one organization: there is nothing else to go to.
              <li>
                <NavLink href={`/orgs/${principal.organizationId}`}>{principal.organizationName}</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="signed-in">
          <span>
            {principal.kind === 'operator'
              ? `Signed in as ${principal.username}`
              : `Setup link for ${principal.organizationName}, valid until ${formatDateTime(principal.expiresAt)}`}
          </span>
          <button type="button" onClick={() => signOut.run()} disabled={signOut.pending}>
            Sign out
          </button>
        </div>
      </header>
      <FormError error={signOut.error} />
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
