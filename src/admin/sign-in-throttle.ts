import type { SignInAttemptStore } from '../store/sign-in-attempt-store.ts';

/** Wrong passwords in a row an account tolerates before it locks. */
export const FREE_ATTEMPTS = 5;
const FIRST_LOCK_MS = 30_000;
const LONGEST_LOCK_MS = 15 * 60_000;

/**
 * How long an account stays locked after its `failures`-th wrong password in a row: not at all for the first few
 * (typos), then 30 s, doubling with each further failure up to 15 minutes. Guessing is slowed to a crawl while the
 * real person, locked out by someone else's guesses, waits at most a quarter of an hour.
 */
export function lockDurationMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - FREE_ATTEMPTS));
}

/** The lock-out of password sign-ins, the same for operators and for people with a built-in password. */
export class SignInThrottle {
  constructor(private readonly attempts: SignInAttemptStore) {}

  /** Seconds the row stays locked (0: not locked). */
  static secondsLocked(lockedUntil: string | null, now = Date.now()): number {
    const until = lockedUntil ? Date.parse(lockedUntil) : 0;
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** A wrong password: counted, and the lock it earns set. */
  async failed(id: string, now = Date.now()): Promise<void> {
    const lockMs = lockDurationMs(await this.attempts.countFailure(id));
    if (lockMs > 0) await this.attempts.lockUntil(id, new Date(now + lockMs).toISOString());
  }

  succeeded(id: string): Promise<void> {
    return this.attempts.reset(id);
  }
}
