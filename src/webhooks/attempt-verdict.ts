import { parseRetryAfter, type RetrySchedule } from './retry-schedule.ts';
import type { PostOutcome } from './webhook-sender.ts';

/** What one attempt's outcome means for its delivery and its endpoint. */
export type Verdict =
  | { kind: 'succeeded' }
  /** Try again at `at`; the lane waits until then. */
  | { kind: 'retry'; at: Date; error: string | null }
  /** Stop: the delivery failed for good and the endpoint is disabled, for `reason`. */
  | { kind: 'give-up'; reason: string; error: string | null };

/**
 * Judges an outcome (`attempts` counts this one): 2xx delivers. 410 Gone, or the last attempt of the schedule
 * failing, disables the endpoint. Anything else — another status, a redirect (never followed), no answer in time —
 * is retried on the schedule, honouring Retry-After.
 */
export function judge(outcome: PostOutcome, attempts: number, schedule: RetrySchedule, now: Date): Verdict {
  const { status } = outcome;
  if (status !== null && status >= 200 && status < 300) return { kind: 'succeeded' };
  const error =
    outcome.error ??
    (status !== null && status >= 300 && status < 400 ? `redirect to ${outcome.location ?? '(no Location)'} not followed: give Roster the final URL` : null);
  if (status === 410) return { kind: 'give-up', reason: `the receiver answered 410 Gone (${now.toISOString()})`, error };
  const delay = schedule.delayAfter(attempts, parseRetryAfter(outcome.retryAfter, now));
  if (delay === undefined) {
    return { kind: 'give-up', reason: `no attempt succeeded in ${attempts}, the last at ${now.toISOString()}: ${error ?? `status ${status}`}`, error };
  }
  return { kind: 'retry', at: new Date(now.getTime() + delay), error };
}
