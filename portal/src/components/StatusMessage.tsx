import type { ReactNode } from 'react';

/**
 * A polite live region for the outcome of an action ("Rules saved"). It is always in the page, empty until there is
 * something to say, because screen readers announce changes to a live region, not a region that just appeared.
 */
export function StatusMessage({ children }: { children?: ReactNode }) {
  return (
    <p role="status" className="status-message">
      {children}
    </p>
  );
}
