const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Waits between attempts: quick at first (a receiver restarting), then ever longer. Thirteen attempts over about
 * 3 days 3 hours, enough for a receiver that is down over a weekend to get every event once it is back.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  12 * HOUR,
  24 * HOUR,
  24 * HOUR,
];

/** A Retry-After asking for longer than this is cut to it, so no receiver parks a delivery indefinitely. */
export const RETRY_AFTER_LIMIT_MS = 24 * HOUR;

/** Each wait is stretched or shrunk by up to this fraction, so deliveries that failed together spread out. */
const JITTER = 0.2;

/** `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date; milliseconds from `now`, or undefined. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * SECOND;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

export class RetrySchedule {
  constructor(
    readonly delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * How long to wait after a delivery's `attempts`-th attempt failed, or undefined once every attempt is spent. The
   * receiver's Retry-After is honoured as a minimum (never sooner than it asks), up to RETRY_AFTER_LIMIT_MS; it never
   * shortens the schedule, which would spend the attempts of a receiver that keeps answering `Retry-After: 0`.
   */
  delayAfter(attempts: number, retryAfterMs?: number): number | undefined {
    const base = this.delaysMs[attempts - 1];
    if (base === undefined) return undefined;
    const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * this.random()));
    return Math.max(jittered, Math.min(retryAfterMs ?? 0, RETRY_AFTER_LIMIT_MS));
  }
}
