import type { CursorPages } from '../hooks/useCursorPages.ts';

interface PagerProps {
  pages: CursorPages<unknown>;
  previousLabel?: string;
  nextLabel?: string;
}

/** Previous and next buttons for a list read a page at a time; nothing when it fits on one page. */
export function Pager({ pages, previousLabel = 'Previous page', nextLabel = 'Next page' }: PagerProps) {
  if (pages.rows === undefined) return null;
  // Kept while another page loads, so the button just pressed keeps keyboard focus.
  if (pages.pageNumber === 1 && !pages.hasNext && !pages.loading) return null;
  return (
    <div className="pager">
      <button type="button" onClick={pages.previous} disabled={!pages.hasPrevious}>
        {previousLabel}
      </button>
      <span className="page-number">Page {pages.pageNumber}</span>
      <button type="button" onClick={pages.next} disabled={!pages.hasNext}>
        {nextLabel}
      </button>
    </div>
  );
}
