// When the next poll happens.

import { backoffDelay } from '../retry';
import { isTransient, type UsageError } from './errors';

export const MIN_INTERVAL_S = 30;
export const DEFAULT_INTERVAL_S = 300;
/** First retry after a transient failure; doubles per failure, capped at the interval. */
export const BACKOFF_BASE_MS = 15_000;

export function intervalMs(value: unknown): number {
  const n = Number(value);
  const seconds = Number.isFinite(n) && n > 0 ? Math.max(MIN_INTERVAL_S, n) : DEFAULT_INTERVAL_S;
  return seconds * 1000;
}

/**
 * Delay before the next poll: the interval after a success or a lasting failure; when a
 * server said when to come back (Retry-After), exactly then; otherwise exponential backoff,
 * capped at the interval, after transient failures.
 */
export function nextPollDelay(interval: number, consecutiveFailures: number, err: UsageError | null): number {
  if (!err || !isTransient(err.code)) return interval;
  if (err.retryAfterMs) return err.retryAfterMs;
  return backoffDelay(consecutiveFailures, Math.min(BACKOFF_BASE_MS, interval), interval);
}
