// Decisions in words: the spec's alert message, with times in the configured zone.
import { MINUTE_MS } from '../constants';
import { makeAlert, type Alert } from '../alert';
import { formatClock, formatDuration, formatPct, formatReset } from '../format';
import type { Decision } from './engine';

function withReset(text: string, resetsAt: string | null, timeZone: string, now: Date): string {
  const reset = formatReset(resetsAt, timeZone, now);
  return reset ? `${text}, ${reset}` : text;
}

/** "at 13:10 (in 1h 5m)", or "now" when the time has passed. */
function when(iso: string, timeZone: string, now: Date): string {
  const at = new Date(iso);
  const minutes = (at.getTime() - now.getTime()) / MINUTE_MS;
  if (minutes <= 0) return 'now';
  return `at ${formatClock(at, timeZone, now)} (in ${formatDuration(minutes)})`;
}

function titleAndMessage(d: Decision, timeZone: string, now: Date): { title: string; message: string } {
  const w = d.window;
  const pct = formatPct(w.pct);
  const isExtra = w.kind === 'extra';
  const subject = isExtra ? 'extra usage' : `${w.label} window`;
  switch (d.kind) {
    case 'threshold':
      return {
        title: `Claude ${isExtra ? 'extra' : w.label} usage at ${Math.floor(w.pct)}%`,
        message: withReset(`${d.account}: ${subject} at ${pct}%${isExtra ? ' of the monthly limit' : ''} (threshold ${formatPct(d.threshold ?? 0)}%)`, w.resetsAt, timeZone, now),
      };
    case 'reset':
      return {
        title: `Claude ${isExtra ? 'extra usage' : `${w.label} window`} reset`,
        message: withReset(`${d.account}: ${subject} has reset (now ${pct}%)`, w.resetsAt, timeZone, now),
      };
    case 'pace':
      return {
        title: `Claude ${w.label} usage on pace to run out`,
        message: `${d.account}: ${subject} at ${pct}% runs out ${when(w.exhaustsAt ?? '', timeZone, now)} at the current pace, before it ${formatReset(w.resetsAt, timeZone, now)}`,
      };
  }
}

/** The alert for a decision: level `critical` for the top threshold or usage >= 100 %, `info` for resets, else `warning`. */
export function alertFor(d: Decision, timeZone: string): Alert {
  const now = new Date(d.at);
  const { title, message } = titleAndMessage(d, timeZone, now);
  return makeAlert(
    {
      title,
      message,
      account: d.account,
      kind: d.kind,
      limit_type: d.window.id,
      level: d.kind === 'reset' ? 'info' : d.critical ? 'critical' : 'warning',
      pct: d.window.pct,
      threshold: d.threshold,
      resetsAt: d.window.resetsAt,
    },
    now,
  );
}
