import { useState } from 'react';
import type { Page } from '../types.ts';
import { useApiData } from './useApiData.ts';

export interface CursorPages<T> {
  rows: T[] | undefined;
  error: unknown;
  loading: boolean;
  /** 1 for the first page. */
  pageNumber: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next(): void;
  previous(): void;
}

type Filter = string | number | boolean | undefined;

/**
 * Pages through a list with the API's cursors (`next` → `after`), remembering the cursors of the pages seen so
 * "previous" needs none of its own. Changed `filters` start again from the first page.
 */
export function useCursorPages<T>(
  load: (after: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
  filters: readonly Filter[],
): CursorPages<T> {
  const filterKey = JSON.stringify(filters);
  const [trail, setTrail] = useState<{ filterKey: string; cursors: string[] }>({ filterKey, cursors: [] });
  const cursors = trail.filterKey === filterKey ? trail.cursors : [];
  const after = cursors.at(-1);
  const page = useApiData((signal) => load(after, signal), [filterKey, after]);
  const nextCursor = page.data?.next ?? null;
  return {
    rows: page.data?.data,
    error: page.error,
    loading: page.loading,
    pageNumber: cursors.length + 1,
    hasNext: nextCursor !== null,
    hasPrevious: cursors.length > 0,
    next() {
      // While a page loads, `next` is still the previous page's: a second click would ask for the same page again.
      if (nextCursor !== null && !page.loading) setTrail({ filterKey, cursors: [...cursors, nextCursor] });
    },
    previous() {
      setTrail({ filterKey, cursors: cursors.slice(0, -1) });
    },
  };
}
