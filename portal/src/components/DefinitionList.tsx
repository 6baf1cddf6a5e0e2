import type { ReactNode } from 'react';

/** Attribute → value pairs, e.g. the attributes of a user. */
export function DefinitionList({ items }: { items: [term: string, value: ReactNode][] }) {
  return (
    <dl className="definitions">
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value === null || value === undefined || value === '' ? '—' : value}</dd>
        </div>
      ))}
    </dl>
  );
}
