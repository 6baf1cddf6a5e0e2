/**
 * PostgreSQL aborts a transaction when it detects a deadlock (40P01) or cannot serialise it (40001). Both mean
 * "run it again": the transaction changed nothing, and the next attempt reads the state the winner committed.
 * A deadlock is possible, if rare: a PATCH that adds user U to group G locks G, then U; deleting U locks U, then
 * every group U was in.
 */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '40P01' || code === '40001';
}

/** Attempts per write before the conflict reaches the client as an error. */
export const WRITE_ATTEMPTS = 5;
