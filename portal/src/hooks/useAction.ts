import { useState } from 'react';

export interface Action<A extends unknown[], R> {
  /** Runs the action; resolves to its result, or to undefined when it failed (the failure is then in `error`). */
  run(...args: A): Promise<R | undefined>;
  pending: boolean;
  error: unknown;
}

/** A request a button or a form makes: disables it while under way and keeps the error to show next to it. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): Action<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run(...args: A): Promise<R | undefined> {
    setPending(true);
    setError(null);
    try {
      return await action(...args);
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setPending(false);
    }
  }
  return { run, pending, error };
}
