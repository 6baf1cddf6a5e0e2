/** Wrong passwords in a row an account tolerates before it locks. */
export const FREE_ATTEMPTS = 5;
const FIRST_LOCK_MS = 30_000;
const LONGEST_LOCK_MS = 15 * 60_000;

/**
 * How long an account stays locked after its `failures`-th wrong password in a row: not at all for the first few
 * (typos), then 30 s, doubling with each further failure up to 15 minutes. Guessing is slowed to a crawl while the
 * real operator, locked out by someone else's guesses, waits at most a quarter of an hour.
 */
export function lockDurationMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - FREE_ATTEMPTS));
}
