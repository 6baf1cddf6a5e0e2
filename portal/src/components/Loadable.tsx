import type { ReactNode } from 'react';
import { FormError } from './FormError.tsx';

interface LoadableProps<T> {
  data: T | undefined;
  error: unknown;
  children: (data: T) => ReactNode;
}

/** What the API answered, else why it did not, else that it is still loading. */
export function Loadable<T>({ data, error, children }: LoadableProps<T>) {
  if (data === undefined) return error ? <FormError error={error} /> : <p className="loading">Loading…</p>;
  return (
    <>
      <FormError error={error} />
      {children(data)}
    </>
  );
}
