import { type DependencyList, useCallback, useEffect, useState } from 'react';

export interface ApiData<T> {
  /** Undefined until the first answer; kept while a reload is under way, so the page does not flicker. */
  data: T | undefined;
  error: unknown;
  /** A request is under way. */
  loading: boolean;
  reload(): void;
  /** Puts a known change in place (an item just created) without asking the API again. */
  setData(update: (data: T | undefined) => T | undefined): void;
}

/** Loads from the API when `deps` change, and drops the answer of a request overtaken by a newer one. */
export function useApiData<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): ApiData<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    load(controller.signal).then(
      (loaded) => {
        if (controller.signal.aborted) return;
        setData(loaded);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `load` is a new function on each render: `deps` say when it asks for something else.
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload, setData };
}
