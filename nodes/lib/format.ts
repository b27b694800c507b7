// Human text for alerts and status: percentages, durations, clock times.

import { DAY_MS, MINUTE_MS } from './constants';

/** 91.24 → 91.2: percentages and rates are reported to one decimal. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** 91.24 → "91.2"; 90 → "90". */
export function formatPct(pct: number): string {
  return String(round1(pct));
}

/** 72 → "1h 12m"; 1500 → "1d 1h"; 0.4 → "0m". */
export function formatDuration(minutes: number): string {
  const total = Math.max(0, Math.round(minutes));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`;
  return `${mins}m`;
}

export function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The time zone to use: the configured one when valid, else the system's. */
export function resolveTimeZone(tz: string | undefined): string {
  return tz && isValidTimeZone(tz) ? tz : Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, style: 'time' | 'weekday'): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', style === 'time' ? { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { timeZone, weekday: 'short' });
    formatters.set(key, f);
  }
  return f;
}

/** "14:05" in the zone; "Mon 14:05" when the time is not within the next 24 hours. */
export function formatClock(at: Date, timeZone: string, now: Date = new Date()): string {
  const time = formatter(timeZone, 'time').format(at);
  const within = at.getTime() - now.getTime();
  if (within >= 0 && within < DAY_MS) return time;
  return `${formatter(timeZone, 'weekday').format(at)} ${time}`;
}

/** "resets 14:05 (in 1h 12m)", or "" when the reset time is unknown. */
export function formatReset(resetsAt: string | null, timeZone: string, now: Date = new Date()): string {
  if (!resetsAt) return '';
  const at = new Date(resetsAt);
  if (Number.isNaN(at.getTime())) return '';
  const minutes = (at.getTime() - now.getTime()) / MINUTE_MS;
  return `resets ${formatClock(at, timeZone, now)} (in ${formatDuration(minutes)})`;
}

/** Minutes from now until an ISO time, rounded, never negative; null when unknown. */
export function minutesUntil(iso: string | null, now: Date = new Date()): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return Math.max(0, Math.round((t - now.getTime()) / MINUTE_MS));
}
