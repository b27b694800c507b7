// When the next poll happens.

import { backoffDelay } from '../retry';
import { isTransient, type UsageError } from './errors';

export const MIN_INTERVAL_S = 30;
export const MAX_INTERVAL_S = 86_400;
export const DEFAULT_INTERVAL_S = 300;
/** The longest wait before a poll: a day. (setTimeout fires at once past 2^31-1 ms, about 24.8 days.) */
export const MAX_DELAY_MS = MAX_INTERVAL_S * 1000;
/** First retry after a transient failure; doubles per failure, capped at the interval. */
export const BACKOFF_BASE_MS = 15_000;

export function intervalMs(value: unknown): number {
  const n = Number(value);
  const seconds = Number.isFinite(n) && n > 0 ? Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, n)) : DEFAULT_INTERVAL_S;
  return seconds * 1000;
}

/**
 * Delay before the next poll: the interval after a success or a lasting failure; when a
 * server said when to come back (Retry-After), exactly then (a longer wait is re-checked
 * after a day: the account itself refuses to ask before then); otherwise exponential
 * backoff, capped at the interval, after transient failures.
 */
export function nextPollDelay(interval: number, consecutiveFailures: number, err: UsageError | null): number {
  if (!err || !isTransient(err.code)) return Math.min(interval, MAX_DELAY_MS);
  if (err.retryAfterMs) return Math.min(err.retryAfterMs, MAX_DELAY_MS);
  return backoffDelay(consecutiveFailures, Math.min(BACKOFF_BASE_MS, interval), Math.min(interval, MAX_DELAY_MS));
}
