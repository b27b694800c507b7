// The node status for one account's state: what the node is doing, in a few characters.
import { MINUTE_MS } from '../constants';
import { formatDuration, formatPct } from '../format';
import type { AccountState, WindowState } from './engine';
import type { ThresholdSettings } from './settings';

export interface StatusView {
  fill: 'green' | 'yellow' | 'red' | 'grey';
  shape: 'dot' | 'ring';
  text: string;
}

const SHORT_LABELS: Record<string, string> = { session: '5h', weekly: 'wk', extra: 'extra' };

function shortLabel(id: string): string {
  return SHORT_LABELS[id] ?? id.replace(/^weekly:/, '');
}

/** Milliseconds until the soonest crossed, armed threshold leaves its cooldown; null when none waits. */
function cooldownLeft(win: WindowState, settings: ThresholdSettings, now: number): number | null {
  let left: number | null = null;
  for (const [value, t] of Object.entries(win.thresholds)) {
    if (!t.armed || t.lastFiredAt === null || win.pct < Number(value)) continue;
    const remaining = t.lastFiredAt + settings.cooldownMs - now;
    if (remaining > 0 && (left === null || remaining < left)) left = remaining;
  }
  return left;
}

function highestFired(win: WindowState): number | null {
  const fired = Object.entries(win.thresholds).filter(([, t]) => !t.armed).map(([value]) => Number(value));
  return fired.length > 0 ? Math.max(...fired) : null;
}

/** e.g. `armed · 5h 62% · wk 44%`, `cooldown 3h · 5h 91%`, `fired 90% · 5h 91.2% · wk 44%`. */
export function describeAccount(account: AccountState, settings: ThresholdSettings, now: number, prefix = ''): StatusView {
  const windows = Object.entries(account);
  const shown = windows.filter(([id]) => id === 'session' || id === 'weekly');
  const levels = (shown.length > 0 ? shown : windows.slice(0, 2)).map(([id, w]) => `${shortLabel(id)} ${formatPct(w.pct)}%`);

  const waits = windows.map(([, w]) => cooldownLeft(w, settings, now)).filter((ms): ms is number => ms !== null);
  const fired = windows.map(([, w]) => highestFired(w)).filter((v): v is number => v !== null);
  let mode = 'armed';
  if (waits.length > 0) mode = `cooldown ${formatDuration(Math.min(...waits) / MINUTE_MS)}`;
  else if (fired.length > 0) mode = `fired ${formatPct(Math.max(...fired))}%`;

  const over = windows.some(([, w]) => w.pct >= 100);
  const fill = over ? 'red' : mode === 'armed' ? 'green' : 'yellow';
  return { fill, shape: 'dot', text: prefix + [mode, ...levels].join(' · ') };
}
