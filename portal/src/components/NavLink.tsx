import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';

interface NavLinkProps {
  href: string;
  children: ReactNode;
  /** Also current on the pages under `href` (an organization's list is current on an organization's page). */
  prefix?: boolean;
}

/** A link of a navigation bar, marked aria-current on its page. */
export function NavLink({ href, children, prefix }: NavLinkProps) {
  const [location] = useLocation();
  const current = location === href || (prefix === true && location.startsWith(`${href}/`));
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}
