import { useEffect } from 'react';

/** The browser tab's title, which screen readers also announce when a page opens. */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Roster` : 'Roster';
  }, [title]);
}
