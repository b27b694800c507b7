// Retry-After parsing and exponential backoff, shared by the poller and the channel delivery core.

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date.
 * `0`, negative, past dates and garbage mean "not given" (null).
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now: number = Date.now()): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null) return null;
  const text = String(raw).trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return seconds > 0 ? Math.round(seconds * 1000) : null;
  }
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  const ms = date - now;
  return ms > 0 ? ms : null;
}

/** Exponential backoff: base × 2^(attempt-1), capped; attempt counts from 1. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number): number {
  const exp = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(capMs, exp);
}
