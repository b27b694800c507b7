// When the next poll happens.

import { MINUTE_MS } from '../constants';
import { formatDuration } from '../format';
import { backoffDelay } from '../retry';
import type { AuthMode } from './client';
import { failureWord, isTransient, type FailureWord, type UsageError } from './errors';

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

/**
 * A failure no retry can mend: an expired or missing session key stays so until a new key is
 * pasted (which redeploys the account). The timer stops; an input message still polls.
 */
export function needsNewKey(err: UsageError, auth: AuthMode): boolean {
  return auth === 'cookie' && (err.code === 'SESSION_EXPIRED' || err.code === 'NO_CREDENTIALS');
}

/** The red status of a failed poll, as message keys: what to do, or what happened and when the next try is. */
export type FailureStatus = { key: 'pasteNewKey' | 'pasteKey' } | { key: 'retry'; word: FailureWord; status: number | null; wait: string };

export function failureStatus(err: UsageError, auth: AuthMode, waitMs: number): FailureStatus {
  if (needsNewKey(err, auth)) return { key: err.code === 'SESSION_EXPIRED' ? 'pasteNewKey' : 'pasteKey' };
  const wait = waitMs < MINUTE_MS ? `${Math.max(1, Math.round(waitMs / 1000))}s` : formatDuration(waitMs / MINUTE_MS);
  return { key: 'retry', word: failureWord(err), status: err.status, wait };
}

/**
 * Failure spells: the first failure after a success, or one with another code, is worth an
 * error on a Catch node; the same failure again is not (the status still shows it).
 */
export class FailureSpell {
  private code: string | null = null;

  /** True when this failure starts a new spell. */
  report(err: UsageError): boolean {
    const fresh = err.code !== this.code;
    this.code = err.code;
    return fresh;
  }

  clear(): void {
    this.code = null;
  }
}
